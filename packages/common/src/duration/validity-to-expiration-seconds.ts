import { DEFAULT_VALIDITY } from '../api/constants.js';
import { parseGoDuration } from './parse-go-duration.js';

/** Go's largest `time.Duration` (max int64 nanoseconds), as `String()` prints it. */
const GO_MAX_DURATION = '2562047h47m16.854775807s';

/** The syntax of a Go duration, regardless of size: what parses once it fits in int64. */
const WELL_FORMED = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;

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
    if (WELL_FORMED.test(value)) {
      // Go's time.ParseDuration rejects these only because they overflow int64 nanoseconds,
      // so "not a valid duration" would send the user hunting for a syntax error.
      return {
        ok: false,
        error: value.startsWith('-')
          ? `spec.rotation.validity ${JSON.stringify(value)} must be at least 1s: use a positive Go duration such as "720h" or "8640h0m0s"`
          : `spec.rotation.validity ${JSON.stringify(value)} is too large: Go durations stop at ${GO_MAX_DURATION} (about 292 years); use a smaller value such as "8640h0m0s" (one token per 360 days)`,
      };
    }
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
