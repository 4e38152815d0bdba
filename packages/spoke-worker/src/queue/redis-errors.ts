/** Redis replies that mean our credentials or ACL are wrong: retrying cannot fix them. */
const CREDENTIAL_ERRORS = /\b(NOPERM|WRONGPASS|NOAUTH)\b/;

/**
 * True when `err` is a Redis authentication or permission error. BullMQ retries these with no
 * delay (ECOSYSTEM-NOTES.md), so the worker must stop on the first one instead of spinning.
 */
export function isRedisCredentialError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const message = 'message' in err && typeof err.message === 'string' ? err.message : '';
  return CREDENTIAL_ERRORS.test(message);
}

/** A one-line explanation of a Redis credential error for operators (no secrets in it). */
export function describeRedisCredentialError(err: unknown, queueKeyPattern: string): string {
  const message =
    err !== null && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);
  const first = CREDENTIAL_ERRORS.exec(message)?.[1] ?? 'auth';
  if (first === 'NOPERM') {
    return `Redis refused a command (NOPERM): the Redis user needs access to keys ${queueKeyPattern} (ACL e.g. "~${queueKeyPattern} resetchannels +@all -@dangerous +info"); stopping the worker`;
  }
  return `Redis rejected the worker's credentials (${first}): check the user and password in the Redis URL; stopping the worker`;
}
