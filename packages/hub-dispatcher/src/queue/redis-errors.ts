/** Redis answers that no retry can fix: wrong password, ACL refusal, missing auth. */
const CREDENTIAL_ERROR = /\b(NOPERM|WRONGPASS|NOAUTH)\b/;

/**
 * True for Redis credential/permission errors. BullMQ retries these with no delay (ECOSYSTEM-NOTES),
 * so the hub stops with a clear message instead of spinning.
 */
export function isRedisCredentialError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return CREDENTIAL_ERROR.test(message);
}

/** The message the hub stops with on a Redis credential error. */
export function redisCredentialMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const kind = /NOPERM/.test(message) ? 'refused a command (ACL NOPERM)' : 'rejected our credentials';
  return (
    `Redis ${kind}: ${message.split('\n')[0] ?? ''}. ` +
    'The hub needs a Redis user with access to every key under `msa:*` (all cluster queues and the dead-letter queue); ' +
    'fix the password or ACL in the Redis URL and restart.'
  );
}
