import { describe, expect, it } from 'vitest';
import { validityToExpirationSeconds } from './validity-to-expiration-seconds.js';

describe('validityToExpirationSeconds', () => {
  it('upstream: validity defaults to 8640h0m0s = 31104000 s', () => {
    expect(validityToExpirationSeconds(undefined)).toEqual({ ok: true, seconds: 31_104_000 });
  });

  it.each<[string, number]>([
    ['8640h0m0s', 31_104_000],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['10m', 600],
    ['1s', 1],
    ['1.9s', 1],
    ['2h45m0.5s', 9900],
    ['168h', 604_800],
  ])('upstream: expirationSeconds = whole seconds, truncated: %s → %i', (validity, seconds) => {
    expect(validityToExpirationSeconds(validity)).toEqual({ ok: true, seconds });
  });

  it.each(['30d', 'abc', '', '1', '1 h'])(
    'rejects %j naming the field, the value and the accepted form',
    (validity) => {
      const result = validityToExpirationSeconds(validity);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toContain('spec.rotation.validity');
        expect(result.error).toContain(JSON.stringify(validity));
        expect(result.error).toContain('8640h0m0s');
      }
    },
  );

  it.each(['0', '0s', '-1h', '999ms', '1ns'])('rejects %j: a lifetime under one second', (validity) => {
    const result = validityToExpirationSeconds(validity);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/spec\.rotation\.validity .* must be at least 1s/);
  });
  it.each(['99999999h', '2562048h', '9223372036855ms', '2562047h47m16.854775808s'])(
    'rejects %j, well-formed but beyond Go maximum, as too large (not as malformed)',
    (validity) => {
      const result = validityToExpirationSeconds(validity);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toContain(`spec.rotation.validity ${JSON.stringify(validity)} is too large`);
        expect(result.error).toContain('2562047h47m16.854775807s');
        expect(result.error).toContain('8640h0m0s');
        expect(result.error).not.toContain('not a valid duration');
      }
    },
  );

  it('accepts Go maximum itself', () => {
    expect(validityToExpirationSeconds('2562047h47m16.854775807s')).toEqual({
      ok: true,
      seconds: 9_223_372_036,
    });
  });

  it('a hugely negative, well-formed value asks for at least 1s', () => {
    const result = validityToExpirationSeconds('-99999999h');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/must be at least 1s/);
  });
});
