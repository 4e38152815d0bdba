/**
 * Matches a JWT-looking string: three base64url segments, the first starting `eyJ` (a JSON
 * object's `{"`). The signature may be empty (unsigned tokens). Not global, so `.test()` is
 * safe to share; {@link redactJwts} uses a global copy.
 */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

const JWT_GLOBAL = new RegExp(JWT_PATTERN.source, 'g');

/** Text that replaces secrets in logs. */
export const REDACTED = '[REDACTED]';

/** Replaces every JWT-looking substring with `[REDACTED]`. */
export function redactJwts(text: string): string {
  return text.replace(JWT_GLOBAL, REDACTED);
}
