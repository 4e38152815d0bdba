/* eslint-disable @typescript-eslint/require-await -- in-memory fakes implement async interfaces */
import { describe, expect, it } from 'vitest';
import { CredentialKeeper } from './credential-keeper.js';

const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('CredentialKeeper', () => {
  it('renews at 80% of the credential life and swaps it in place', async () => {
    let now = 1_000_000_000;
    const first = jwt({ iat: now / 1000, exp: now / 1000 + 1000 });
    const second = jwt({ iat: now / 1000 + 900, exp: now / 1000 + 1900 });
    const keeper = new CredentialKeeper({ initial: first, logger: silent, now: () => now });
    expect(keeper.renewalDue()).toBe(now + 800_000);
    let calls = 0;
    const hub = {
      renewCredential: async () => {
        calls += 1;
        return { token: second, expirationTimestamp: new Date(now + 1_900_000).toISOString() };
      },
    };
    now += 700_000;
    await keeper.renew(hub);
    expect(calls).toBe(0);
    expect(keeper.current()).toBe(first);
    now += 100_000;
    await keeper.renew(hub);
    expect(calls).toBe(1);
    expect(keeper.current()).toBe(second);
  });

  it('never renews a credential without exp', () => {
    const keeper = new CredentialKeeper({ initial: 'opaque-token', logger: silent });
    expect(keeper.renewalDue()).toBeUndefined();
  });
});
