import { describe, expect, it } from 'vitest';
import { isRevalidationDue, revalidationOffsetMs } from './revalidation-schedule.js';

describe('re-validation schedule', () => {
  const interval = 10 * 3600 * 1000;
  const tick = 60_000;

  it('makes each MSA due exactly once per interval, whatever the tick size', () => {
    for (const uid of ['u1', 'u2', 'u3', 'another-uid']) {
      let due = 0;
      for (let t = tick; t <= interval; t += tick)
        if (isRevalidationDue(uid, t - tick, t, interval)) due += 1;
      expect(due).toBe(1);
    }
  });

  it('spreads MSAs over the interval instead of all at once', () => {
    const offsets = Array.from({ length: 200 }, (_, i) => revalidationOffsetMs(`uid-${i}`, interval));
    const firstHalf = offsets.filter((o) => o < interval / 2).length;
    expect(firstHalf).toBeGreaterThan(60);
    expect(firstHalf).toBeLessThan(140);
    expect(new Set(offsets).size).toBe(200);
  });

  it('is never due for an empty or reversed window', () => {
    expect(isRevalidationDue('u1', 5, 5, interval)).toBe(false);
    expect(isRevalidationDue('u1', 10, 5, interval)).toBe(false);
    expect(isRevalidationDue('u1', 0, 100, 0)).toBe(false);
  });
});
