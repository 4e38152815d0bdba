import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './format-go-duration.js';
import { parseGoDuration } from './parse-go-duration.js';

// Expected strings are those of Go's Duration.String (golang/go src/time/time.go, durationTests
// in src/time/time_test.go): units below one second pick ns/µs/ms, otherwise h/m/s.
const US = 1000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;

describe('formatGoDuration prints what Go Duration.String prints', () => {
  it.each<[bigint, string]>([
    [0n, '0s'],
    [1n, '1ns'],
    [1100n, '1.1\u00b5s'],
    [US, '1\u00b5s'],
    [2200n * US, '2.2ms'],
    [300n * MS, '300ms'],
    [3300n * MS, '3.3s'],
    [1500n * MS, '1.5s'],
    [4n * M + 5n * S, '4m5s'],
    [4n * M + 5001n * MS, '4m5.001s'],
    [5n * H + 6n * M + 7001n * MS, '5h6m7.001s'],
    [8n * M + 1n, '8m0.000000001s'],
    [90n * M, '1h30m0s'],
    [8640n * H, '8640h0m0s'],
    [H, '1h0m0s'],
    [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
    [-1500n * MS, '-1.5s'],
    [-1n, '-1ns'],
  ])('%s ns → %s', (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
  });

  it.each([
    '8640h0m0s',
    '1h30m0s',
    '2h45m0.5s',
    '1.5s',
    '300ms',
    '1\u00b5s',
    '0s',
    '-2562047h47m16.854775808s',
  ])('round-trips %s through parseGoDuration', (text) => {
    const parsed = parseGoDuration(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatGoDuration(parsed.nanoseconds)).toBe(text);
  });
});
