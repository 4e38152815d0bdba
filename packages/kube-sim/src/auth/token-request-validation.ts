/**
 * Defaulting and validation of a TokenRequest spec, as kube-apiserver does it:
 * `SetDefaults_TokenRequestSpec` (pkg/apis/authentication/v1/defaults.go) defaults
 * `expirationSeconds` to 3600, `ValidateTokenRequest` (pkg/apis/authentication/validation/
 * validation.go) refuses less than 10 minutes or more than 2^32 seconds, and only then
 * `pkg/registry/core/serviceaccount/storage/token.go` shortens the lifetime to
 * `--service-account-max-token-expiration` when one is configured (it never refuses).
 */

/** Default `spec.expirationSeconds` of a TokenRequest (one hour). */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
/** kube-apiserver's minimum token lifetime (`MinTokenAgeSec`, 10 minutes). */
export const DEFAULT_MIN_TOKEN_SECONDS = 600;
/** Largest accepted `spec.expirationSeconds` (2^32). */
export const MAX_TOKEN_REQUEST_SECONDS = 2 ** 32;

/** One entry of a 422 `Status.details.causes`, with the texts the real API server uses. */
export interface TokenRequestFieldError {
  /** Always `FieldValueInvalid` for these checks (Status cause `reason`). */
  type: 'FieldValueInvalid';
  /** JSON path of the field, e.g. `spec.expirationSeconds`. */
  field: string;
  /** The rejected value. */
  value: unknown;
  /** The reason alone, e.g. `may not specify a duration less than 10 minutes`. */
  detail: string;
  /** `Invalid value: 300: may not specify …` (Status cause `message`). */
  causeMessage: string;
  /** `spec.expirationSeconds: Invalid value: 300: may not specify …` (joined into Status.message). */
  message: string;
}

/** Result of {@link validateTokenRequestSpec}. */
export type TokenRequestValidation =
  { ok: true; expirationSeconds: number } | { ok: false; errors: TokenRequestFieldError[] };

/** Lifetime limits of a simulated cluster. */
export interface TokenLifetimeLimits {
  /** Minimum accepted lifetime in seconds; the real server's is 600 (10 minutes). */
  minSeconds: number;
  /** Optional maximum; longer requests are shortened to it, not refused. */
  maxSeconds?: number | undefined;
}

/** Formats a minimum like Go's validation text: 600 → `10 minutes`, 90 → `90 seconds`. */
function describeMinimum(seconds: number): string {
  if (seconds % 60 === 0 && seconds >= 60) {
    const minutes = seconds / 60;
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

function invalid(field: string, value: unknown, detail: string): TokenRequestFieldError {
  const causeMessage = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return {
    type: 'FieldValueInvalid',
    field,
    value,
    detail,
    causeMessage,
    message: `${field}: ${causeMessage}`,
  };
}

/**
 * Defaults and validates a TokenRequest `spec`, returning the effective lifetime (defaulted to
 * 3600, capped at `maxSeconds`) or the field errors the real API server reports with 422.
 * Pure: no clock, no I/O.
 */
export function validateTokenRequestSpec(spec: unknown, limits: TokenLifetimeLimits): TokenRequestValidation {
  const errors: TokenRequestFieldError[] = [];
  const record = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  const raw = record['expirationSeconds'];
  let requested = DEFAULT_TOKEN_EXPIRATION_SECONDS;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'number' || !Number.isInteger(raw)) {
      // The real server fails decoding a non-integer int64 before validation; the closest
      // field-level answer is an invalid value.
      return { ok: false, errors: [invalid('spec.expirationSeconds', raw, 'must be an integer')] };
    }
    requested = raw;
  }
  if (requested < limits.minSeconds) {
    errors.push(
      invalid(
        'spec.expirationSeconds',
        requested,
        `may not specify a duration less than ${describeMinimum(limits.minSeconds)}`,
      ),
    );
  }
  if (requested > MAX_TOKEN_REQUEST_SECONDS) {
    errors.push(
      invalid('spec.expirationSeconds', requested, 'may not specify a duration larger than 2^32 seconds'),
    );
  }
  const audiences = record['audiences'];
  if (audiences !== undefined && audiences !== null) {
    if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) {
      errors.push(invalid('spec.audiences', audiences, 'must be a list of strings'));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const max = limits.maxSeconds;
  const expirationSeconds = max !== undefined && max > 0 && requested > max ? max : requested;
  return { ok: true, expirationSeconds };
}
