import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidTokenRequestError, TokenIssuer } from './token-issuer.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SA = {
  namespace: 'team-a',
  serviceAccountName: 'builder',
  serviceAccountUid: '8d0c7c52-0000-4000-8000-000000000001',
};

function clock(startMs: number): { now: () => number; advance: (seconds: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (s) => (t += s * 1000) };
}

describe('TokenIssuer.createToken', () => {
  it('writes the claims of pkg/serviceaccount/claims.go with exp - iat == expirationSeconds', async () => {
    const c = clock(Date.UTC(2026, 0, 1, 10, 0, 0, 500));
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600, now: c.now });
    const created = await issuer.createToken({ ...SA, expirationSeconds: 3600 });
    const header = decodeProtectedHeader(created.token);
    expect(header.alg).toBe('ES256');
    expect(header.kid).toBe(await issuer.currentKeyId());
    const claims = decodeJwt(created.token);
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: 'system:serviceaccount:team-a:builder',
      aud: [ISSUER],
      'kubernetes.io': {
        namespace: 'team-a',
        serviceaccount: { name: 'builder', uid: SA.serviceAccountUid },
      },
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.iat).toBe(Date.UTC(2026, 0, 1, 10, 0, 0) / 1000);
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.expirationTimestamp).toBe('2026-01-01T11:00:00Z');
    expect(created.audiences).toEqual([ISSUER]);
  });

  it('defaults to 3600 s, honours audiences and adds the bound object claim', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const created = await issuer.createToken({
      ...SA,
      audiences: ['vault', 'other'],
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's1', uid: 'u-s1' },
    });
    const claims = decodeJwt(created.token);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.aud).toEqual(['vault', 'other']);
    expect(created.audiences).toEqual(['vault', 'other']);
    expect(claims['kubernetes.io']).toMatchObject({ secret: { name: 's1', uid: 'u-s1' } });
  });

  it('refuses a lifetime under the minimum and shortens one over the maximum (token.go)', async () => {
    const issuer = new TokenIssuer({
      issuer: ISSUER,
      audiences: [ISSUER],
      minSeconds: 600,
      maxSeconds: 1800,
    });
    await expect(issuer.createToken({ ...SA, expirationSeconds: 300 })).rejects.toThrow(
      InvalidTokenRequestError,
    );
    await expect(issuer.createToken({ ...SA, expirationSeconds: 300 })).rejects.toThrow(
      'spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    const claims = decodeJwt((await issuer.createToken({ ...SA, expirationSeconds: 7200 })).token);
    expect(claims.exp! - claims.iat!).toBe(1800);
  });

  it('refuses binding to kinds other than Pod, Secret and Node', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    await expect(
      issuer.createToken({ ...SA, boundObjectRef: { kind: 'ConfigMap', name: 'c', uid: 'u' } }),
    ).rejects.toThrow('cannot bind token to object of type /v1, Kind=ConfigMap');
  });
});

describe('TokenIssuer.verify', () => {
  it('accepts its own fresh token and returns the claims', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const { token } = await issuer.createToken(SA);
    const result = await issuer.verify(token);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.claims.sub).toBe('system:serviceaccount:team-a:builder');
  });

  it('rejects once expired, with no leeway, using the claims.go message', async () => {
    const c = clock(Date.UTC(2026, 0, 1));
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 1, now: c.now });
    const { token } = await issuer.createToken({ ...SA, expirationSeconds: 10 });
    c.advance(9);
    expect((await issuer.verify(token)).ok).toBe(true);
    c.advance(1);
    expect(await issuer.verify(token)).toEqual({
      ok: false,
      reason: 'service account token has expired',
    });
  });

  it('rejects a token used before its nbf', async () => {
    const c = clock(Date.UTC(2026, 0, 1));
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600, now: c.now });
    const { token } = await issuer.createToken(SA);
    c.advance(-5);
    expect(await issuer.verify(token)).toEqual({
      ok: false,
      reason: 'service account token is not valid yet',
    });
  });

  it('rejects a token of another cluster (each cluster has its own key)', async () => {
    const a = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const b = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const { token } = await a.createToken(SA);
    const result = await b.verify(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain(token);
  });

  it('rejects old tokens after rotateSigningKey and accepts new ones under a new kid', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const old = await issuer.createToken(SA);
    const oldKid = await issuer.currentKeyId();
    await issuer.rotateSigningKey();
    expect((await issuer.verify(old.token)).ok).toBe(false);
    const fresh = await issuer.createToken(SA);
    expect((await issuer.verify(fresh.token)).ok).toBe(true);
    expect(decodeProtectedHeader(fresh.token).kid).not.toBe(oldKid);
    expect((await issuer.jwks()).keys.map((k) => k.kid)).toEqual([await issuer.currentKeyId()]);
  });

  it('requires the audience to intersect the API audiences, or the given ones (jwt.go)', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER, 'api'], minSeconds: 600 });
    const { token } = await issuer.createToken({ ...SA, audiences: ['vault'] });
    expect(await issuer.verify(token)).toEqual({
      ok: false,
      reason: `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}" "api"]`,
    });
    expect((await issuer.verify(token, ['vault'])).ok).toBe(true);
    const apiToken = await issuer.createToken({ ...SA, audiences: ['api', 'x'] });
    expect((await issuer.verify(apiToken.token)).ok).toBe(true);
  });

  it('rejects garbage, unsigned and foreign-issuer tokens without throwing', async () => {
    const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
    const other = new TokenIssuer({ issuer: 'https://elsewhere', audiences: [ISSUER], minSeconds: 600 });
    expect((await issuer.verify('not-a-jwt')).ok).toBe(false);
    expect((await issuer.verify('')).ok).toBe(false);
    const { token } = await issuer.createToken(SA);
    const [h, p] = token.split('.');
    expect((await issuer.verify(`${h}.${p}.`)).ok).toBe(false);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await issuer.verify(unsigned)).ok).toBe(false);
    const foreign = await other.createToken(SA);
    expect((await other.verify(foreign.token)).ok).toBe(true);
    expect((await issuer.verify(foreign.token)).ok).toBe(false);
  });
});
