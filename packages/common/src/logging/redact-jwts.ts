/**
 * Matches a JWT-looking string: three base64url segments, the first starting `eyJ` (a JSON
 * object's `{"`). The signature may be empty (unsigned tokens). Global: use with `replace`.
 */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Text that replaces secrets in logs. */
export const REDACTED = '[REDACTED]';

/** Replaces every JWT-looking substring with `[REDACTED]`. */
export function redactJwts(text: string): string {
  return text.replace(JWT_PATTERN, REDACTED);
}
