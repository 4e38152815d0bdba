/**
 * A failed Kubernetes API call. The message carries the API server's `Status.message` only
 * (never a request body), so it is safe to log: tokens never travel in our error texts.
 */
export class KubeApiError extends Error {
  /** HTTP status code (0 when the server could not be reached). */
  readonly statusCode: number;
  /** `Status.reason` from the API server, e.g. `NotFound`, `Conflict`, `AlreadyExists`. */
  readonly reason: string;
  /** `Retry-After` header in seconds when the server sent one (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    statusCode: number,
    reason: string,
    message: string,
    retryAfterSeconds?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** True when `err` is a {@link KubeApiError} with the given HTTP status. */
export function isKubeStatus(err: unknown, statusCode: number): err is KubeApiError {
  return err instanceof KubeApiError && err.statusCode === statusCode;
}
