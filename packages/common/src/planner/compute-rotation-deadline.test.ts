import { describe, expect, it } from 'vitest';
import { computeRotationDeadline } from './compute-rotation-deadline.js';

const lastRefresh = new Date('2026-01-01T00:00:00Z');
const expiry = new Date('2026-01-01T10:00:00Z'); // 10 h lifetime

describe('computeRotationDeadline', () => {
  it('upstream: refresh at lastRefresh + 0.8 × lifetime (no jitter)', () => {
    expect(computeRotationDeadline({ lastRefresh, expiry, jitterFraction: 0 })).toEqual(
      new Date('2026-01-01T08:00:00Z'),
    );
  });

  it.each<[number, number, string]>([
    [0, 0.05, '2026-01-01T08:00:00.000Z'],
    [0.5, 0.05, '2026-01-01T07:45:00.000Z'],
    [1, 0.05, '2026-01-01T07:30:00.000Z'],
    [1, 0.1, '2026-01-01T07:00:00.000Z'],
  ])('jitter moves it earlier: random %f, fraction %f → %s', (r, jitterFraction, want) => {
    expect(
      computeRotationDeadline({ lastRefresh, expiry, jitterFraction, random: () => r }).toISOString(),
    ).toBe(want);
  });

  it('defaults to 5 % jitter', () => {
    expect(computeRotationDeadline({ lastRefresh, expiry, random: () => 1 }).toISOString()).toBe(
      '2026-01-01T07:30:00.000Z',
    );
  });

  it.each<[string, number, () => number]>([
    ['negative jitter', -1, () => 1],
    ['random above 1', 0.05, () => 7],
    ['random below 0', 0.05, () => -3],
    ['huge jitter', 5, () => 1],
  ])('never later than the 0.8 point nor before lastRefresh: %s', (_name, jitterFraction, random) => {
    const d = computeRotationDeadline({ lastRefresh, expiry, jitterFraction, random }).getTime();
    expect(d).toBeLessThanOrEqual(new Date('2026-01-01T08:00:00Z').getTime());
    expect(d).toBeGreaterThanOrEqual(lastRefresh.getTime());
  });

  it('upstream issue #119: uses the granted lifetime (24 h cap → 19.2 h)', () => {
    expect(
      computeRotationDeadline({
        lastRefresh,
        expiry: new Date('2026-01-02T00:00:00Z'),
        jitterFraction: 0,
      }).toISOString(),
    ).toBe('2026-01-01T19:12:00.000Z');
  });

  it.each<[string, Date]>([
    ['expiry equal to lastRefresh', lastRefresh],
    ['expiry before lastRefresh', new Date('2025-12-31T00:00:00Z')],
    ['invalid expiry', new Date('nope')],
  ])('is due immediately (lastRefresh) when %s', (_name, badExpiry) => {
    expect(computeRotationDeadline({ lastRefresh, expiry: badExpiry })).toEqual(lastRefresh);
  });
});
