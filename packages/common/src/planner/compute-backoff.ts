/** Options of {@link computeBackoff}. */
export interface BackoffOptions {
  /** Delay cap for the first retry; default 1000 ms. */
  baseMs?: number;
  /** Upper bound of the exponential window; default 300000 ms (5 min). */
  maxMs?: number;
  /** Random source in [0, 1); default `Math.random`. */
  random?: () => number;
  /** A server's Retry-After hint in ms; the result is never shorter than it. */
  retryAfterMs?: number;
}

/** Default first backoff window. */
export const DEFAULT_BACKOFF_BASE_MS = 1000;
/** Default backoff cap. */
export const DEFAULT_BACKOFF_MAX_MS = 300_000;

/**
 * Exponential backoff with full jitter, capped: a random delay in
 * `[0, min(maxMs, baseMs × 2^(attemptsMade − 1)))`. `attemptsMade` counts failed attempts so
 * far (BullMQ's `attemptsMade`; values under 1 count as 1). A Retry-After hint wins when it is
 * longer than the jittered delay (the server knows better than our cap).
 */
export function computeBackoff(attemptsMade: number, options: BackoffOptions = {}): number {
  const base = Math.max(0, options.baseMs ?? DEFAULT_BACKOFF_BASE_MS);
  const max = Math.max(0, options.maxMs ?? DEFAULT_BACKOFF_MAX_MS);
  const attempt = Number.isFinite(attemptsMade) ? Math.max(1, Math.floor(attemptsMade)) : 1;
  // 2 ** 1024 is Infinity, which Math.min handles; no overflow surprises.
  const window = Math.min(max, base * 2 ** (attempt - 1));
  const r = Math.min(Math.max((options.random ?? Math.random)(), 0), 1);
  const jittered = Math.floor(r * window);
  const hint = options.retryAfterMs;
  if (hint !== undefined && Number.isFinite(hint) && hint > jittered) return Math.ceil(hint);
  return jittered;
}

/**
 * Parses an HTTP `Retry-After` header (delta-seconds or HTTP-date) to milliseconds from `now`.
 * Returns `undefined` when absent or unparsable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date always names a day and a month; without this, Date.parse reads "-5" as a year.
  if (!/^[A-Za-z]{3}, /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
