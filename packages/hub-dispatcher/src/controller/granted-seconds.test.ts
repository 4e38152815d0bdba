import { describe, expect, it } from 'vitest';
import { grantedSeconds } from './hub-api-service.js';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object): string => `${b64({ alg: 'ES256', kid: 'k' })}.${b64(claims)}.c2ln`;

describe('grantedSeconds', () => {
  const iat = 1_800_000_000;
  const now = new Date((iat + 3) * 1000); // the report arrived 3 s after the mint

  it('regression: a slow report is not a shortened token (exp − iat, not expiry − now)', () => {
    const token = jwt({ sub: 's', iat, exp: iat + 31_104_000 });
    expect(grantedSeconds(token, new Date((iat + 31_104_000) * 1000), now)).toBe(31_104_000);
  });

  it('a token capped by the spoke reports the capped lifetime', () => {
    const token = jwt({ sub: 's', iat, exp: iat + 86_400 });
    expect(grantedSeconds(token, new Date((iat + 86_400) * 1000), now)).toBe(86_400);
  });

  it.each([
    ['no iat', jwt({ sub: 's', exp: iat + 100 })],
    ['not a JWT', 'opaque-token'],
    ['exp before iat', jwt({ sub: 's', iat, exp: iat - 5 })],
  ])('falls back to expiry − now when the claims cannot say (%s)', (_label, token) => {
    expect(grantedSeconds(token, new Date(now.getTime() + 60_000), now)).toBe(60);
  });
});
