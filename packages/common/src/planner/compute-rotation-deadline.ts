/** Fraction of a token's lifetime after which it is refreshed (upstream: 80 %). */
export const ROTATION_POINT = 0.8;
/** Default jitter fraction of the lifetime subtracted from the deadline. */
export const DEFAULT_ROTATION_JITTER = 0.05;

/** Input of {@link computeRotationDeadline}. */
export interface RotationDeadlineInput {
  /** When the current token was stored (`status.tokenSecretRef.lastRefreshTimestamp`). */
  lastRefresh: Date;
  /** Granted expiry of the current token (`status.expirationTimestamp`). */
  expiry: Date;
  /** Fraction of the lifetime to subtract at random; default 0.05, clamped to [0, 0.8]. */
  jitterFraction?: number;
  /** Random source in [0, 1); default `Math.random`. */
  random?: () => number;
}

/**
 * When to mint the next token: `lastRefresh + 0.8 × (expiry − lastRefresh)` minus
 * `random() × jitterFraction × lifetime`. Uses the real granted lifetime, so a spoke that caps
 * tokens (e.g. EKS at 24 h) does not cause a refresh loop (upstream issue #119). Jitter only
 * moves the deadline earlier, never past the 0.8 point. A lifetime of zero or less gives
 * `lastRefresh` (i.e. due now).
 */
export function computeRotationDeadline(input: RotationDeadlineInput): Date {
  const start = input.lastRefresh.getTime();
  const lifetime = input.expiry.getTime() - start;
  if (!Number.isFinite(lifetime) || lifetime <= 0) return new Date(start);
  const jitter = Math.min(Math.max(input.jitterFraction ?? DEFAULT_ROTATION_JITTER, 0), ROTATION_POINT);
  const r = Math.min(Math.max((input.random ?? Math.random)(), 0), 1);
  const offset = ROTATION_POINT * lifetime - r * jitter * lifetime;
  return new Date(start + Math.floor(offset));
}
