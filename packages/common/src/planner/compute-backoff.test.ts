import { describe, expect, it } from 'vitest';
import { computeBackoff, parseRetryAfter } from './compute-backoff.js';

const top = (): number => 0.999999;

describe('computeBackoff (exponential, full jitter, capped)', () => {
  it.each<[number, number]>([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [9, 256_000],
    [10, 300_000],
    [50, 300_000],
    [5000, 300_000],
  ])('attempt %i: the window is %i ms', (attempt, window) => {
    expect(computeBackoff(attempt, { random: () => 0.5 })).toBe(Math.floor(window / 2));
    expect(computeBackoff(attempt, { random: top })).toBeLessThan(window);
    expect(computeBackoff(attempt, { random: top })).toBeGreaterThanOrEqual(Math.floor(window * 0.999));
  });

  it('full jitter: random 0 gives 0', () => {
    expect(computeBackoff(7, { random: () => 0 })).toBe(0);
  });

  it.each([0, -3, Number.NaN, Number.POSITIVE_INFINITY])('treats attempt %f as the first', (attempt) => {
    expect(computeBackoff(attempt, { random: () => 0.5 })).toBe(500);
  });

  it('honours baseMs and maxMs', () => {
    expect(computeBackoff(3, { baseMs: 100, maxMs: 250, random: () => 0.5 })).toBe(125);
    expect(computeBackoff(2, { baseMs: 100, maxMs: 250, random: () => 0.5 })).toBe(100);
  });

  it('a Retry-After hint longer than the jittered delay wins, even past the cap', () => {
    expect(computeBackoff(1, { random: () => 0.5, retryAfterMs: 2000 })).toBe(2000);
    expect(computeBackoff(30, { random: () => 0.5, retryAfterMs: 600_000 })).toBe(600_000);
  });

  it('a shorter Retry-After hint does not shorten the backoff', () => {
    expect(computeBackoff(5, { random: () => 0.5, retryAfterMs: 10 })).toBe(8000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['soon', undefined],
    ['0', 0],
    ['5', 5000],
    [' 12 ', 12_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['-5', undefined],
  ])('%j → %s', (header, want) => {
    expect(parseRetryAfter(header, now)).toBe(want);
  });
});
