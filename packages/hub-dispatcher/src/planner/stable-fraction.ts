import { createHash } from 'node:crypto';

/**
 * A deterministic number in [0, 1) derived from `key` (SHA-256). Used where we want spread
 * without state: rotation jitter that stays the same across re-plans (so re-adding a delayed
 * job does not move it), and per-MSA re-validation offsets.
 */
export function stableFraction(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
