import { DEFAULT_VALIDITY } from '../api/constants.js';
import { parseGoDuration } from './parse-go-duration.js';

/** Result of {@link validityToExpirationSeconds}. */
export type ValidityResult = { ok: true; seconds: number } | { ok: false; error: string };

/**
 * Turns `spec.rotation.validity` into the `expirationSeconds` of a TokenRequest: whole seconds,
 * truncated like upstream's `int64(d.Seconds())`. `undefined` means the default `8640h0m0s`.
 * A value that does not parse, or that is under one second (including `0` and negatives),
 * is an error naming the field, the bad value and the accepted form.
 */
export function validityToExpirationSeconds(validity: string | undefined): ValidityResult {
  const value = validity ?? DEFAULT_VALIDITY;
  const parsed = parseGoDuration(value);
  if (!parsed.ok) {
    return {
      ok: false,
      error: `spec.rotation.validity ${JSON.stringify(value)} is not a valid duration: use a Go duration such as "720h", "1h30m" or "8640h0m0s" (units h, m, s, ms, us, ns)`,
    };
  }
  const seconds = parsed.nanoseconds / 1_000_000_000n;
  if (seconds <= 0n) {
    return {
      ok: false,
      error: `spec.rotation.validity ${JSON.stringify(value)} must be at least 1s: use a positive Go duration such as "720h" or "8640h0m0s"`,
    };
  }
  return { ok: true, seconds: Number(seconds) };
}
