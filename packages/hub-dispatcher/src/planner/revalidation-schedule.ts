import { stableFraction } from './stable-fraction.js';

/** Offset of an MSA's re-validation slot within the interval (hash of its uid). */
export function revalidationOffsetMs(uid: string, intervalMs: number): number {
  return Math.floor(stableFraction(`revalidate/${uid}`) * intervalMs);
}

/**
 * True when the MSA's re-validation slot (`k × interval + offset(uid)`) falls in `(fromMs, toMs]`.
 * Called on every tick with the previous tick's time, so each MSA is re-validated once per
 * interval and the whole fleet is spread evenly over it instead of all at once.
 */
export function isRevalidationDue(uid: string, fromMs: number, toMs: number, intervalMs: number): boolean {
  if (intervalMs <= 0 || toMs <= fromMs) return false;
  const offset = revalidationOffsetMs(uid, intervalMs);
  const slot = Math.floor((toMs - offset) / intervalMs) * intervalMs + offset;
  return slot > fromMs && slot <= toMs;
}
