import {
  ANNOTATION_REQUESTED_SECONDS,
  MintReason,
  type ManagedServiceAccount,
  type ReconcileJobData,
  type TokenSecret,
} from '@msa/common';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeRest } from '../k8s/kube-rest.js';
import type { ClusterQueues, EnqueueResult } from '../queue/cluster-queues.js';
import { Dispatcher, type CacheView } from './dispatcher.js';
import type { WorkerHealth } from './worker-health.js';

const T0 = Date.parse('2026-01-10T00:00:00Z');

function cache<T extends { metadata?: { name?: string; namespace?: string } }>(items: T[]): CacheView<T> {
  return {
    hasSynced: true,
    get: (ns, name) => items.find((i) => (i.metadata?.namespace ?? '') === ns && i.metadata?.name === name),
    list: (ns) => items.filter((i) => ns === undefined || i.metadata?.namespace === ns),
  };
}

function jwt(sub: string): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256' })}.${enc({ sub })}.c2ln`;
}

/** A healthy MSA whose token was stored at `refreshed` and expires `lifetimeMs` later. */
function healthy(
  name: string,
  refreshed: number,
  lifetimeMs: number,
): { msa: ManagedServiceAccount; secret: TokenSecret } {
  const at = new Date(refreshed).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    msa: {
      apiVersion: 'authentication.open-cluster-management.io/v1beta1',
      kind: 'ManagedServiceAccount',
      metadata: { name, namespace: 'c1', uid: `uid-${name}`, generation: 1 },
      spec: { rotation: { validity: '1h' } },
      status: {
        tokenSecretRef: { name, lastRefreshTimestamp: at },
        expirationTimestamp: new Date(refreshed + lifetimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        conditions: [],
      },
    },
    secret: {
      metadata: { name, namespace: 'c1', annotations: { [ANNOTATION_REQUESTED_SECONDS]: '3600' } },
      data: { token: Buffer.from(jwt(`system:serviceaccount:agent:${name}`)).toString('base64') },
    },
  };
}

interface Calls {
  reconcile: { data: ReconcileJobData; deferIfActive: boolean }[];
  rotation: { name: string; at: number }[];
}

function setup(
  items: { msa: ManagedServiceAccount; secret: TokenSecret }[],
  opts: { reconcileAnswer?: () => EnqueueResult; rotationAnswer?: () => EnqueueResult } = {},
): { d: Dispatcher; calls: Calls; clock: { now: number } } {
  const calls: Calls = { reconcile: [], rotation: [] };
  const clock = { now: T0 };
  const queues = {
    enqueueReconcile: (data: ReconcileJobData, o: { deferIfActive?: boolean } = {}) => {
      calls.reconcile.push({ data, deferIfActive: o.deferIfActive === true });
      return Promise.resolve(opts.reconcileAnswer?.() ?? { jobId: '1', deduplicated: false });
    },
    scheduleRotation: (data: ReconcileJobData, at: Date) => {
      calls.rotation.push({ name: data.name, at: at.getTime() });
      return Promise.resolve(opts.rotationAnswer?.() ?? { jobId: '2', deduplicated: false });
    },
    queue: () => undefined,
  };
  const health = { agentNamespace: () => 'agent' };
  const d = new Dispatcher({
    rest: {} as unknown as KubeRest,
    queues: queues as unknown as ClusterQueues,
    msas: cache(items.map((i) => i.msa)),
    secrets: cache(items.map((i) => i.secret)),
    clusters: cache([{ metadata: { name: 'c1', namespace: '' } }]),
    health: health as unknown as WorkerHealth,
    clock: () => new Date(clock.now),
    logger: pino({ level: 'silent' }),
    revalidationIntervalSeconds: 10,
    ttlDeletionEnabled: true,
    planDelayMs: 0,
  });
  return { d, calls, clock };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Dispatcher re-validation and rotation jobs', () => {
  it('re-validates a token far from its deadline, then puts its delayed rotation job back', async () => {
    const far = healthy('far', T0 - 60_000, 3600_000);
    const { d, calls, clock } = setup([far]);
    await d.revalidationTick();
    clock.now += 10_000; // one whole interval: every slot passes once
    expect(await d.revalidationTick()).toBe(1);
    expect(calls.reconcile).toHaveLength(1);
    expect(calls.reconcile[0]?.data).toMatchObject({ name: 'far', mintReason: null, verify: true });
    expect(calls.rotation).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(calls.rotation.map((r) => r.name)).toEqual(['far']);
    d.stop();
  });

  it('does not re-validate a token whose rotation is less than a minute away', async () => {
    // 80 % of 60 s after a refresh 10 s ago: the deadline is at most 38 s away.
    const soon = healthy('soon', T0 - 10_000, 60_000);
    const { d, calls, clock } = setup([soon]);
    await d.revalidationTick();
    clock.now += 10_000;
    expect(await d.revalidationTick()).toBe(0);
    expect(calls.reconcile).toHaveLength(0);
    d.stop();
  });

  it('keeps re-planning while an immediate job still waits, sooner when the deadline is near', async () => {
    const m = healthy('m', T0 - 10_000, 60_000);
    let waiting = true;
    const { d, calls } = setup([m], {
      rotationAnswer: () => ({
        jobId: '1',
        deduplicated: true,
        ...(waiting ? { immediatePending: true } : {}),
      }),
    });
    await d.planOne('c1', 'm');
    expect(calls.rotation).toHaveLength(1);
    // Deadline ~38 s away: re-plan after a quarter of that (under the 15 s ceiling).
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.rotation).toHaveLength(2);
    waiting = false;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls.rotation).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.rotation).toHaveLength(3);
    d.stop();
  });

  it('does not queue a mint decision behind a running job of the MSA; plans again once it is done', async () => {
    const fresh: { msa: ManagedServiceAccount; secret: TokenSecret } = {
      msa: {
        apiVersion: 'authentication.open-cluster-management.io/v1beta1',
        kind: 'ManagedServiceAccount',
        metadata: { name: 'new', namespace: 'c1', uid: 'uid-new', generation: 1 },
        spec: { rotation: {} },
      },
      secret: { metadata: { name: 'other', namespace: 'c1' } },
    };
    let running = true;
    const { d, calls } = setup([fresh], {
      reconcileAnswer: () =>
        running
          ? { jobId: '1', deduplicated: true, activePending: true }
          : { jobId: '2', deduplicated: false },
    });
    await d.planOne('c1', 'new');
    expect(calls.reconcile).toHaveLength(1);
    expect(calls.reconcile[0]).toMatchObject({
      deferIfActive: true,
      data: { mintReason: MintReason.StatusMissing },
    });
    running = false;
    await vi.advanceTimersByTimeAsync(1_500);
    expect(calls.reconcile).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.reconcile).toHaveLength(2);
    d.stop();
  });
});
