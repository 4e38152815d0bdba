import { describe, expect, it } from 'vitest';
import type { ManagedServiceAccount, TokenSecret } from '../api/types.js';
import { decideMint, type MintDecision } from './decide-mint.js';

const AGENT_NS = 'open-cluster-management-agent-addon';
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwtFor = (sub: string): string => `${b64url({ alg: 'RS256' })}.${b64url({ sub })}.c2ln`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

// Token stored at 00:00 and valid for 10 h: the 0.8 point is 08:00.
const lastRefresh = '2026-01-01T00:00:00Z';
const expiry = '2026-01-01T10:00:00Z';
const deadline = new Date('2026-01-01T08:00:00Z');
const before = new Date('2026-01-01T07:59:59Z');

function msa(
  overrides: {
    validity?: string;
    annotations?: Record<string, string>;
    status?: ManagedServiceAccount['status'] | null;
  } = {},
): ManagedServiceAccount {
  return {
    apiVersion: 'authentication.open-cluster-management.io/v1beta1',
    kind: 'ManagedServiceAccount',
    metadata: {
      name: 'm1',
      namespace: 'c1',
      uid: 'u1',
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
    },
    spec: { rotation: overrides.validity === undefined ? {} : { validity: overrides.validity } },
    ...(overrides.status === null
      ? {}
      : {
          status: overrides.status ?? {
            expirationTimestamp: expiry,
            tokenSecretRef: { name: 'm1', lastRefreshTimestamp: lastRefresh },
          },
        }),
  };
}

function secret(
  overrides: { token?: string | null; annotations?: Record<string, string> } = {},
): TokenSecret {
  const token =
    overrides.token === undefined ? jwtFor(`system:serviceaccount:${AGENT_NS}:m1`) : overrides.token;
  return {
    metadata: {
      name: 'm1',
      namespace: 'c1',
      annotations: overrides.annotations ?? { 'msa-queue.io/requested-expiration-seconds': '31104000' },
    },
    type: 'Opaque',
    data: token === null ? { 'ca.crt': b64('ca') } : { token: b64(token), 'ca.crt': b64('ca') },
  };
}

const mint = (reason: string): MintDecision => ({ action: 'mint', reason }) as MintDecision;

describe('decideMint (hub half of the mint rules, UPSTREAM-BEHAVIOR "When a token is (re)minted")', () => {
  it.each<[string, Parameters<typeof decideMint>[0], MintDecision]>([
    [
      'upstream rule 1: status missing → StatusMissing',
      { msa: msa({ status: null }), secret: secret(), now: before },
      mint('StatusMissing'),
    ],
    [
      'upstream rule 1: tokenSecretRef missing → StatusMissing',
      { msa: msa({ status: { expirationTimestamp: expiry } }), secret: secret(), now: before },
      mint('StatusMissing'),
    ],
    [
      'upstream rule 1: expirationTimestamp missing → StatusMissing',
      {
        msa: msa({ status: { tokenSecretRef: { name: 'm1', lastRefreshTimestamp: lastRefresh } } }),
        secret: secret(),
        now: before,
      },
      mint('StatusMissing'),
    ],
    [
      'unparsable timestamps count as missing → StatusMissing',
      {
        msa: msa({
          status: {
            expirationTimestamp: 'never',
            tokenSecretRef: { name: 'm1', lastRefreshTimestamp: lastRefresh },
          },
        }),
        secret: secret(),
        now: before,
      },
      mint('StatusMissing'),
    ],
    [
      'upstream rule 1: hub Secret missing → SecretMissing',
      { msa: msa(), secret: undefined, now: before },
      mint('SecretMissing'),
    ],
    [
      'upstream rule 1: Secret without data.token → SecretMissing',
      { msa: msa(), secret: secret({ token: null }), now: before },
      mint('SecretMissing'),
    ],
    [
      'Secret with empty data.token → SecretMissing',
      { msa: msa(), secret: { ...secret(), data: { token: '' } }, now: before },
      mint('SecretMissing'),
    ],
    [
      'ours (upstream stays failed forever): token not a JWT → TokenNotJwt',
      { msa: msa(), secret: secret({ token: 'not-a-jwt' }), now: before },
      mint('TokenNotJwt'),
    ],
    [
      'upstream rule 2: sub of another SA → SubjectMismatch',
      {
        msa: msa(),
        secret: secret({ token: jwtFor(`system:serviceaccount:${AGENT_NS}:other`) }),
        now: before,
        agentNamespace: AGENT_NS,
      },
      mint('SubjectMismatch'),
    ],
    [
      'upstream rule 2: sub in another agent namespace → SubjectMismatch',
      { msa: msa(), secret: secret(), now: before, agentNamespace: 'custom-agent-ns' },
      mint('SubjectMismatch'),
    ],
    [
      'sub is not checked while the agent namespace is unknown',
      { msa: msa(), secret: secret({ token: jwtFor('system:serviceaccount:x:other') }), now: before },
      { action: 'none', nextCheckAt: deadline },
    ],
    [
      'ours: a token whose exp is not the recorded expiry (older, expired or revoked) → TokenReplaced',
      {
        msa: msa(),
        secret: secret({
          token: `${b64url({ alg: 'RS256' })}.${b64url({
            sub: `system:serviceaccount:${AGENT_NS}:m1`,
            exp: Date.parse('2025-12-31T00:00:00Z') / 1000,
          })}.c2ln`,
        }),
        now: before,
        agentNamespace: AGENT_NS,
      },
      mint('TokenReplaced'),
    ],
    [
      'the token whose exp is the recorded expiry (to the second) → none',
      {
        msa: msa(),
        secret: secret({
          token: `${b64url({ alg: 'RS256' })}.${b64url({
            sub: `system:serviceaccount:${AGENT_NS}:m1`,
            exp: Date.parse(expiry) / 1000 + 1,
          })}.c2ln`,
        }),
        now: before,
        agentNamespace: AGENT_NS,
      },
      { action: 'none', nextCheckAt: deadline },
    ],
    [
      'upstream rule 3: at the 0.8 point → RotationDue',
      { msa: msa(), secret: secret(), now: deadline, agentNamespace: AGENT_NS },
      mint('RotationDue'),
    ],
    [
      'upstream rule 3: past expiry → RotationDue',
      { msa: msa(), secret: secret(), now: new Date('2026-01-02T00:00:00Z') },
      mint('RotationDue'),
    ],
    [
      'ours: requested lifetime changed → ValidityChanged',
      { msa: msa({ validity: '24h' }), secret: secret(), now: before },
      mint('ValidityChanged'),
    ],
    [
      'ours: compares with the requested lifetime, never the granted one (a capped token does not loop)',
      {
        msa: msa({ validity: '168h' }),
        secret: secret({
          annotations: {
            'msa-queue.io/requested-expiration-seconds': '604800',
            'msa-queue.io/granted-expiration-seconds': '86400',
          },
        }),
        now: before,
      },
      { action: 'none', nextCheckAt: deadline },
    ],
    [
      'upstream-created Secret without the requested annotation: unknown, not a reason to mint',
      { msa: msa({ validity: '24h' }), secret: secret({ annotations: {} }), now: before },
      { action: 'none', nextCheckAt: deadline },
    ],
    [
      'ours: msa-queue.io/rotate set and not yet answered → ForcedRotation',
      { msa: msa({ annotations: { 'msa-queue.io/rotate': 'r1' } }), secret: secret(), now: before },
      mint('ForcedRotation'),
    ],
    [
      'ours: msa-queue.io/rotate changed → ForcedRotation',
      {
        msa: msa({ annotations: { 'msa-queue.io/rotate': 'r2' } }),
        secret: secret({
          annotations: {
            'msa-queue.io/requested-expiration-seconds': '31104000',
            'msa-queue.io/rotated-for': 'r1',
          },
        }),
        now: before,
      },
      mint('ForcedRotation'),
    ],
    [
      'ours: msa-queue.io/rotate already answered → none',
      {
        msa: msa({ annotations: { 'msa-queue.io/rotate': 'r1' } }),
        secret: secret({
          annotations: {
            'msa-queue.io/requested-expiration-seconds': '31104000',
            'msa-queue.io/rotated-for': 'r1',
          },
        }),
        now: before,
      },
      { action: 'none', nextCheckAt: deadline },
    ],
    [
      'upstream: nothing to do → none, next check at the 0.8 point',
      { msa: msa(), secret: secret(), now: before, agentNamespace: AGENT_NS },
      { action: 'none', nextCheckAt: deadline },
    ],
  ])('%s', (_title, input, want) => {
    expect(decideMint(input)).toEqual(want);
  });

  it('ours: an invalid validity fails only this MSA, before anything else, naming field, value and accepted form', () => {
    const decision = decideMint({
      msa: msa({ validity: '30d', status: null }),
      secret: undefined,
      now: before,
    });
    expect(decision.action).toBe('invalid');
    if (decision.action === 'invalid') {
      expect(decision.message).toContain('spec.rotation.validity');
      expect(decision.message).toContain('"30d"');
      expect(decision.message).toContain('8640h0m0s');
    }
  });

  it('an MSA without spec uses the default validity', () => {
    const { spec: _spec, ...noSpec } = msa();
    expect(decideMint({ msa: noSpec, secret: secret(), now: before })).toEqual({
      action: 'none',
      nextCheckAt: deadline,
    });
  });

  it('order: status missing wins over a missing Secret and a forced rotation', () => {
    expect(
      decideMint({
        msa: msa({ status: null, annotations: { 'msa-queue.io/rotate': 'x' } }),
        secret: undefined,
        now: before,
      }),
    ).toEqual(mint('StatusMissing'));
  });

  it('order: SubjectMismatch wins over RotationDue', () => {
    expect(decideMint({ msa: msa(), secret: secret(), now: deadline, agentNamespace: 'other' })).toEqual(
      mint('SubjectMismatch'),
    );
  });

  it('order: RotationDue wins over ValidityChanged and ForcedRotation', () => {
    expect(
      decideMint({
        msa: msa({ validity: '1h', annotations: { 'msa-queue.io/rotate': 'x' } }),
        secret: secret(),
        now: deadline,
      }),
    ).toEqual(mint('RotationDue'));
  });

  it('order: ValidityChanged wins over ForcedRotation', () => {
    expect(
      decideMint({
        msa: msa({ validity: '1h', annotations: { 'msa-queue.io/rotate': 'x' } }),
        secret: secret(),
        now: before,
      }),
    ).toEqual(mint('ValidityChanged'));
  });

  it('upstream issue #119: a spoke that caps at 24 h (validity 168 h) is refreshed at 19.2 h, not in a loop', () => {
    const capped = msa({
      validity: '168h',
      status: {
        expirationTimestamp: '2026-01-02T00:00:00Z',
        tokenSecretRef: { name: 'm1', lastRefreshTimestamp: '2026-01-01T00:00:00Z' },
      },
    });
    const s = secret({ annotations: { 'msa-queue.io/requested-expiration-seconds': '604800' } });
    expect(decideMint({ msa: capped, secret: s, now: new Date('2026-01-01T00:00:05Z') })).toEqual({
      action: 'none',
      nextCheckAt: new Date('2026-01-01T19:12:00Z'),
    });
  });
});
