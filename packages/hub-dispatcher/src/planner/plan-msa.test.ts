import {
  ANNOTATION_REQUESTED_SECONDS,
  ConditionReason,
  MintReason,
  type ManagedServiceAccount,
  type TokenSecret,
} from '@msa/common';
import { describe, expect, it } from 'vitest';
import { planMsa } from './plan-msa.js';

const NOW = new Date('2026-01-10T00:00:00Z');

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256' })}.${enc(claims)}.c2ln`;
}

function msa(over: Partial<ManagedServiceAccount> = {}, validity = '24h'): ManagedServiceAccount {
  return {
    apiVersion: 'authentication.open-cluster-management.io/v1beta1',
    kind: 'ManagedServiceAccount',
    metadata: {
      name: 'm1',
      namespace: 'c1',
      uid: 'u1',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { rotation: { validity } },
    ...over,
  };
}

const healthyStatus = {
  tokenSecretRef: { name: 'm1', lastRefreshTimestamp: '2026-01-09T20:00:00Z' },
  expirationTimestamp: '2026-01-10T20:00:00Z',
  conditions: [],
};

function secret(token = jwt({ sub: 'system:serviceaccount:agent:m1' }), requested = '86400'): TokenSecret {
  return {
    metadata: { name: 'm1', namespace: 'c1', annotations: { [ANNOTATION_REQUESTED_SECONDS]: requested } },
    data: { token: Buffer.from(token).toString('base64') },
  };
}

describe('planMsa', () => {
  it.each([
    {
      what: 'no ManagedCluster → ClusterNotFound, no job',
      input: { msa: msa(), secret: undefined, clusterExists: false },
      check: (p: ReturnType<typeof planMsa>) => {
        expect(p.condition?.reason).toBe(ConditionReason.ClusterNotFound);
        expect(p.condition?.status).toBe('False');
        expect(p.condition?.message).toContain('"c1"');
        expect(p.reconcile).toBeUndefined();
        expect(p.rotationAt).toBeUndefined();
      },
    },
    {
      what: 'invalid validity → InvalidSpec, no job',
      input: { msa: msa({}, '30d'), secret: undefined, clusterExists: true },
      check: (p: ReturnType<typeof planMsa>) => {
        expect(p.condition?.reason).toBe(ConditionReason.InvalidSpec);
        expect(p.reconcile).toBeUndefined();
        expect(p.rotationAt).toBeUndefined();
      },
    },
    {
      what: 'no status → mint (StatusMissing)',
      input: { msa: msa(), secret: undefined, clusterExists: true },
      check: (p: ReturnType<typeof planMsa>) => {
        expect(p.reconcile).toEqual({ mintReason: MintReason.StatusMissing, verify: false });
        expect(p.expirationSeconds).toBe(86_400);
        expect(p.condition).toBeUndefined();
      },
    },
    {
      what: 'Secret gone → mint (SecretMissing)',
      input: { msa: msa({ status: healthyStatus }), secret: undefined, clusterExists: true },
      check: (p: ReturnType<typeof planMsa>) =>
        expect(p.reconcile?.mintReason).toBe(MintReason.SecretMissing),
    },
    {
      what: 'wrong subject with a known agent namespace → mint (SubjectMismatch)',
      input: {
        msa: msa({ status: healthyStatus }),
        secret: secret(jwt({ sub: 'system:serviceaccount:other:m1' })),
        clusterExists: true,
        agentNamespace: 'agent',
      },
      check: (p: ReturnType<typeof planMsa>) =>
        expect(p.reconcile?.mintReason).toBe(MintReason.SubjectMismatch),
    },
    {
      what: 'healthy → only the rotation deadline, no condition',
      input: {
        msa: msa({ status: healthyStatus }),
        secret: secret(),
        clusterExists: true,
        agentNamespace: 'agent',
      },
      check: (p: ReturnType<typeof planMsa>) => {
        expect(p.reconcile).toBeUndefined();
        expect(p.condition).toBeUndefined();
        const start = Date.parse('2026-01-09T20:00:00Z');
        const life = 24 * 3600 * 1000;
        expect(p.rotationAt!.getTime()).toBeLessThanOrEqual(start + 0.8 * life);
        expect(p.rotationAt!.getTime()).toBeGreaterThanOrEqual(start + 0.75 * life);
      },
    },
    {
      what: 'past the 0.8 point → mint (RotationDue)',
      input: {
        msa: msa({ status: { ...healthyStatus, expirationTimestamp: '2026-01-10T01:00:00Z' } }),
        secret: secret(),
        clusterExists: true,
      },
      check: (p: ReturnType<typeof planMsa>) => expect(p.reconcile?.mintReason).toBe(MintReason.RotationDue),
    },
    {
      what: 'healthy again after ClusterNotFound → TokenReported restored to True',
      input: {
        msa: msa({
          status: {
            ...healthyStatus,
            conditions: [
              {
                type: 'TokenReported',
                status: 'False',
                reason: 'ClusterNotFound',
                message: 'x',
                lastTransitionTime: '2026-01-09T00:00:00Z',
              },
            ],
          },
        }),
        secret: secret(),
        clusterExists: true,
      },
      check: (p: ReturnType<typeof planMsa>) => {
        expect(p.condition).toMatchObject({ type: 'TokenReported', status: 'True', reason: 'TokenReported' });
        expect(p.rotationAt).toBeDefined();
      },
    },
    {
      what: 'a spoke failure is not overwritten by the hub',
      input: {
        msa: msa({
          status: {
            ...healthyStatus,
            conditions: [
              {
                type: 'TokenReported',
                status: 'False',
                reason: 'TokenReportFailed',
                message: 'boom',
                lastTransitionTime: '2026-01-09T00:00:00Z',
              },
            ],
          },
        }),
        secret: secret(),
        clusterExists: true,
      },
      check: (p: ReturnType<typeof planMsa>) => expect(p.condition).toBeUndefined(),
    },
  ])('$what', ({ input, check }) => {
    check(planMsa({ now: NOW, ...input }));
  });

  it('waits for the status write that follows a report instead of minting again (regression)', () => {
    // Secret already carries the new token; the cached status still describes the old one,
    // whose rotation is due. Planning from that pair would mint a second token.
    const oldStatus = { ...healthyStatus, expirationTimestamp: '2026-01-10T01:00:00Z' };
    const fresh = secret();
    fresh.metadata.annotations = {
      ...fresh.metadata.annotations,
      'msa-queue.io/refreshed-at': '2026-01-09T23:59:58Z',
    };
    const plan = planMsa({ msa: msa({ status: oldStatus }), secret: fresh, clusterExists: true, now: NOW });
    expect(plan.reconcile).toBeUndefined();
    expect(plan.rotationAt).toBeUndefined();
    expect(plan.recheckAt).toEqual(new Date('2026-01-10T00:00:28Z'));
    // Once the status caught up, normal planning resumes.
    const caughtUp = {
      ...healthyStatus,
      tokenSecretRef: { name: 'm1', lastRefreshTimestamp: '2026-01-09T23:59:58Z' },
    };
    expect(
      planMsa({ msa: msa({ status: caughtUp }), secret: fresh, clusterExists: true, now: NOW }).rotationAt,
    ).toBeDefined();
    // A status write that never came is not waited for forever.
    const later = new Date(NOW.getTime() + 60_000);
    expect(
      planMsa({ msa: msa({ status: oldStatus }), secret: fresh, clusterExists: true, now: later }).reconcile
        ?.mintReason,
    ).toBe(MintReason.RotationDue);
  });

  it('keeps the jittered deadline stable across re-plans (re-adding the delayed job does not move it)', () => {
    const input = { msa: msa({ status: healthyStatus }), secret: secret(), clusterExists: true, now: NOW };
    expect(planMsa(input).rotationAt).toEqual(
      planMsa({ ...input, now: new Date(NOW.getTime() + 60_000) }).rotationAt,
    );
  });

  it('spreads deadlines of different MSAs (jitter depends on the uid)', () => {
    const deadlines = new Set(
      ['a', 'b', 'c', 'd'].map((uid) =>
        planMsa({
          msa: msa({ status: healthyStatus, metadata: { name: 'm1', namespace: 'c1', uid } }),
          secret: secret(),
          clusterExists: true,
          now: NOW,
        }).rotationAt?.getTime(),
      ),
    );
    expect(deadlines.size).toBe(4);
  });

  it('plans the TTL deletion from creationTimestamp, unless disabled', () => {
    const m = msa({ spec: { rotation: {}, ttlSecondsAfterCreation: 30 } });
    expect(planMsa({ msa: m, secret: undefined, clusterExists: false, now: NOW }).deleteAt).toEqual(
      new Date('2026-01-01T00:00:30Z'),
    );
    expect(
      planMsa({ msa: m, secret: undefined, clusterExists: true, now: NOW, ttlEnabled: false }).deleteAt,
    ).toBeUndefined();
  });
});
