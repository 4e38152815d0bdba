import { describe, expect, it } from 'vitest';
import { decodeJwtClaims } from './decode-jwt-claims.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown, header: unknown = { alg: 'RS256', kid: 'k' }): string =>
  `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`;

describe('decodeJwtClaims', () => {
  it('decodes the registered claims of a Kubernetes ServiceAccount token', () => {
    const claims = decodeJwtClaims(
      jwt({
        aud: ['https://kubernetes.default.svc'],
        exp: 1_800_000_000,
        iat: 1_700_000_000,
        nbf: 1_700_000_000,
        iss: 'https://kubernetes.default.svc',
        jti: 'abc',
        sub: 'system:serviceaccount:open-cluster-management-agent-addon:m1',
        'kubernetes.io': { namespace: 'open-cluster-management-agent-addon' },
      }),
    );
    expect(claims).toMatchObject({
      sub: 'system:serviceaccount:open-cluster-management-agent-addon:m1',
      exp: 1_800_000_000,
      iat: 1_700_000_000,
      nbf: 1_700_000_000,
      iss: 'https://kubernetes.default.svc',
      jti: 'abc',
      aud: ['https://kubernetes.default.svc'],
    });
    expect(claims?.raw['kubernetes.io']).toEqual({ namespace: 'open-cluster-management-agent-addon' });
  });

  it('accepts a string audience and an empty signature (unsigned token)', () => {
    const token = `${b64({ alg: 'none' })}.${b64({ aud: 'x', sub: 's' })}.`;
    expect(decodeJwtClaims(token)).toMatchObject({ aud: 'x', sub: 's' });
  });

  it('leaves out claims of the wrong type instead of failing', () => {
    const claims = decodeJwtClaims(jwt({ sub: 42, exp: 'soon', aud: [1] }));
    expect(claims).toEqual({ raw: { sub: 42, exp: 'soon', aud: [1] } });
  });

  it('ignores surrounding whitespace (a trailing newline in a Secret)', () => {
    expect(decodeJwtClaims(`${jwt({ sub: 's' })}\n`)?.sub).toBe('s');
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['plain text', 'not-a-token'],
    ['two segments', `${b64({ alg: 'x' })}.${b64({ sub: 's' })}`],
    ['four segments', `${jwt({ sub: 's' })}.x`],
    ['payload not JSON', `${b64({ alg: 'x' })}.bm90IGpzb24.sig`],
    ['payload a JSON array', `${b64({ alg: 'x' })}.${b64([1])}.sig`],
    ['payload JSON null', `${b64({ alg: 'x' })}.${b64(null)}.sig`],
    ['header not JSON', `bm90.${b64({ sub: 's' })}.sig`],
    ['standard base64 with padding', `${b64({ alg: 'x' })}.eyJzdWIiOiJzIn0=.sig`],
    ['bad signature characters', `${b64({ alg: 'x' })}.${b64({ sub: 's' })}.a+b/c`],
    ['empty payload', `${b64({ alg: 'x' })}..sig`],
  ])('returns undefined for %s', (_name, token) => {
    expect(decodeJwtClaims(token)).toBeUndefined();
  });
});
