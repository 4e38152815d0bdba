import { ErrorCode } from './error-catalog.js';
import { MsaError } from './msa-error.js';

/** The closed set of Kubernetes API failure kinds (STYLE.md rule 4). */
export const KubeFailureKind = {
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'notFound',
  Conflict: 'conflict',
  Invalid: 'invalid',
  Unavailable: 'unavailable',
  Throttled: 'throttled',
} as const;
/** Kubernetes failure kind union. */
export type KubeFailureKind = (typeof KubeFailureKind)[keyof typeof KubeFailureKind];

/** The fields of a Kubernetes `Status` body we use (all optional: bodies may be partial or absent). */
export interface KubeStatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    retryAfterSeconds?: number;
    causes?: { message?: string; field?: string }[];
  };
}

/** Error code of each failure kind. */
export const KUBE_FAILURE_CODES: Readonly<Record<KubeFailureKind, ErrorCode>> = Object.freeze({
  unauthorized: ErrorCode.KubeUnauthorized,
  forbidden: ErrorCode.KubeForbidden,
  notFound: ErrorCode.KubeNotFound,
  conflict: ErrorCode.KubeConflict,
  invalid: ErrorCode.KubeInvalid,
  unavailable: ErrorCode.KubeUnavailable,
  throttled: ErrorCode.KubeThrottled,
});

const BY_REASON: Readonly<Record<string, KubeFailureKind>> = Object.freeze({
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'notFound',
  AlreadyExists: 'conflict',
  Conflict: 'conflict',
  Gone: 'conflict',
  Expired: 'conflict',
  Invalid: 'invalid',
  BadRequest: 'invalid',
  RequestEntityTooLarge: 'invalid',
  UnsupportedMediaType: 'invalid',
  MethodNotAllowed: 'notFound',
  TooManyRequests: 'throttled',
  ServiceUnavailable: 'unavailable',
  Timeout: 'unavailable',
  ServerTimeout: 'unavailable',
  InternalError: 'unavailable',
});

/**
 * Classifies a failed Kubernetes API call. The HTTP status decides (0 or undefined = no
 * answer, i.e. unavailable); the Status body's `reason` is used only when the status code is
 * not one of the well-known ones. 410 Gone counts as a conflict: re-read and retry.
 */
export function classifyKubeFailure(statusCode: number | undefined, body?: KubeStatusBody): KubeFailureKind {
  switch (statusCode) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 405:
      return 'notFound';
    case 409:
    case 410:
      return 'conflict';
    case 400:
    case 413:
    case 415:
    case 422:
      return 'invalid';
    case 429:
      return 'throttled';
    default:
      break;
  }
  const byReason = body?.reason === undefined ? undefined : BY_REASON[body.reason];
  if (byReason !== undefined) return byReason;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return 'invalid';
  return 'unavailable';
}

/**
 * Maps a failed Kubernetes API call to an {@link MsaError}: `context` says what was attempted
 * ("create ServiceAccount c1/m1"), the Status message is appended, `retryAfterSeconds` is kept.
 * The body's message comes from the API server and never holds a token.
 */
export function kubeFailureToMsaError(
  statusCode: number | undefined,
  body: KubeStatusBody | undefined,
  context: string,
  cause?: unknown,
): MsaError {
  const kind = classifyKubeFailure(statusCode, body);
  const detail =
    body?.message ?? (statusCode === undefined || statusCode === 0 ? 'no answer' : `HTTP ${statusCode}`);
  const retryAfterSeconds = body?.details?.retryAfterSeconds;
  return new MsaError(KUBE_FAILURE_CODES[kind], `${context}: ${detail}`, {
    cause,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterMs: retryAfterSeconds * 1000 }),
  });
}
