import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

/** Options of {@link MsaError}. */
export interface MsaErrorOptions {
  /** The underlying error, kept for logs (never sent to clients). */
  cause?: unknown;
  /** Overrides the catalog's retryable flag (e.g. a 403 that a Retry-After says to retry). */
  retryable?: boolean;
  /** Server's retry hint in ms, e.g. from a 429. */
  retryAfterMs?: number;
}

/** JSON body of every hub API error. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  statusCode: number;
}

/**
 * The one error class of the project: a stable code from the catalog, its HTTP status and
 * retryable flag, a message safe to show (never a token) and the kept `cause`.
 */
export class MsaError extends Error {
  override readonly name = 'MsaError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: MsaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = ERROR_CATALOG[code];
    this.code = code;
    this.statusCode = entry.statusCode;
    this.retryable = options.retryable ?? entry.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The JSON body the hub API sends for this error. */
  toBody(): ErrorBody {
    return { code: this.code, message: this.message, statusCode: this.statusCode };
  }
}

/** Type guard for {@link MsaError}, also across module copies (checks the shape). */
export function isMsaError(value: unknown): value is MsaError {
  return (
    value instanceof MsaError ||
    (value instanceof Error &&
      value.name === 'MsaError' &&
      typeof (value as Partial<MsaError>).code === 'string' &&
      typeof (value as Partial<MsaError>).statusCode === 'number')
  );
}
