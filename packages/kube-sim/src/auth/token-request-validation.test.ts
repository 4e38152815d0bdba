import { describe, expect, it } from 'vitest';
import { validateTokenRequestSpec } from './token-request-validation.js';

// Texts from kube-apiserver pkg/apis/authentication/validation/validation.go (ValidateTokenRequest);
// defaulting from pkg/apis/authentication/v1/defaults.go; the cap from
// pkg/registry/core/serviceaccount/storage/token.go (maxExpirationSeconds shortens the request).
describe('validateTokenRequestSpec', () => {
  const real = { minSeconds: 600 };

  it.each([
    [{}, 3600],
    [{ expirationSeconds: null }, 3600],
    [{ expirationSeconds: 600 }, 600],
    [{ expirationSeconds: 86400 }, 86400],
    [{ expirationSeconds: 2 ** 32 }, 2 ** 32],
  ])('accepts %j with effective lifetime %i', (spec, expected) => {
    expect(validateTokenRequestSpec(spec, real)).toEqual({ ok: true, expirationSeconds: expected });
  });

  it('refuses less than 10 minutes with the real message', () => {
    const result = validateTokenRequestSpec({ expirationSeconds: 300 }, real);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual([
      'spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    ]);
    expect(result.errors[0]).toMatchObject({
      type: 'FieldValueInvalid',
      field: 'spec.expirationSeconds',
      causeMessage: 'Invalid value: 300: may not specify a duration less than 10 minutes',
    });
  });

  it('refuses more than 2^32 seconds with the real message', () => {
    const result = validateTokenRequestSpec({ expirationSeconds: 2 ** 32 + 1 }, real);
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({
          message:
            'spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
        }),
      ],
    });
  });

  it('shortens, not refuses, a request above the configured maximum', () => {
    expect(
      validateTokenRequestSpec({ expirationSeconds: 7200 }, { minSeconds: 600, maxSeconds: 1800 }),
    ).toEqual({
      ok: true,
      expirationSeconds: 1800,
    });
    expect(validateTokenRequestSpec({}, { minSeconds: 600, maxSeconds: 1800 })).toEqual({
      ok: true,
      expirationSeconds: 1800,
    });
    expect(
      validateTokenRequestSpec({ expirationSeconds: 900 }, { minSeconds: 600, maxSeconds: 1800 }),
    ).toEqual({
      ok: true,
      expirationSeconds: 900,
    });
  });

  it('still validates the minimum before applying the maximum', () => {
    const result = validateTokenRequestSpec({ expirationSeconds: 60 }, { minSeconds: 600, maxSeconds: 1800 });
    expect(result.ok).toBe(false);
  });

  it('describes a configured test minimum in the same words', () => {
    const result = validateTokenRequestSpec({ expirationSeconds: 0 }, { minSeconds: 1 });
    expect(result.ok ? [] : result.errors.map((e) => e.detail)).toEqual([
      'may not specify a duration less than 1 second',
    ]);
    expect(validateTokenRequestSpec({ expirationSeconds: 1 }, { minSeconds: 1 })).toEqual({
      ok: true,
      expirationSeconds: 1,
    });
  });

  it('refuses non-integer lifetimes and non-string audiences', () => {
    expect(validateTokenRequestSpec({ expirationSeconds: 'x' }, real).ok).toBe(false);
    expect(validateTokenRequestSpec({ expirationSeconds: 700.5 }, real).ok).toBe(false);
    expect(validateTokenRequestSpec({ audiences: [1] }, real).ok).toBe(false);
    expect(validateTokenRequestSpec({ audiences: ['a'] }, real).ok).toBe(true);
  });
});
