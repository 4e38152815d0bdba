// End-to-end (issue 5, cleanup, expiry and offline clusters): behaviours that need a process
// stopped or restarted — the hub (TTL deadlines survive it; the TTL flag), a worker (heartbeats
// missed, orphans swept when it returns, another agent namespace). One stack (Redis db 9) with a
// short heartbeat timeout; the tests of this file run one after another, as they stop processes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from './support/kubectl.js';
import {
  AGENT_NS,
  conditionOf,
  kubeRequest,
  startE2eStack,
  stopE2eStack,
  waitFor,
  whoAmI,
  type JsonAnswer,
  type Stack,
  msaPath,
  secretPath,
  saPath,
  MERGE_PATCH,
  unb64,
  spokeOf,
  MSA_GROUP,
} from './support/stack.js';

const LABEL = `${MSA_GROUP}/is-managed-serviceaccount`;
const HEARTBEAT_TIMEOUT_SECONDS = 4;

let stack: Stack;

beforeAll(async () => {
  stack = await startE2eStack(inject('redisUrl'), 9, {
    workerConcurrency: 4,
    heartbeatIntervalSeconds: 1,
    hubArgs: ['--heartbeat-timeout-seconds', String(HEARTBEAT_TIMEOUT_SECONDS)],
  });
}, 120_000);

afterAll(async () => {
  await stopE2eStack(stack);
}, 30_000);

const hub = (): Stack['hub'] => stack.hub;
const spoke = (name: 'cluster1' | 'cluster2'): Stack['spokes'][string] => spokeOf(stack, name);
const getJson = (path: string): Promise<JsonAnswer> => kubeRequest(hub(), 'GET', path);

interface MsaBody {
  metadata: { uid: string; creationTimestamp: string; deletionTimestamp?: string };
}
interface SecretBody {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
}

async function applyMsa(ns: string, name: string, spec: string, metadata = ''): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], {
    kubeconfig: hub().kubeconfigPath,
    input: `apiVersion: ${MSA_GROUP}/v1beta1\nkind: ManagedServiceAccount\nmetadata: {name: ${name}, namespace: ${ns}${metadata}}\nspec: ${spec}\n`,
  });
  expect(res.stderr).toBe('');
  expect(res.exitCode).toBe(0);
}

/** Waits for a token whose `sub` is `sub` (default: the SA in the default agent namespace). */
async function waitToken(
  ns: string,
  name: string,
  sub = `system:serviceaccount:${AGENT_NS}:${name}`,
): Promise<string> {
  return waitFor(
    `${ns}/${name}: a token for ${sub}, TokenReported=True`,
    async () => {
      const [m, s] = await Promise.all([getJson(msaPath(ns, name)), getJson(secretPath(ns, name))]);
      const token = unb64((s.body as SecretBody | undefined)?.data?.['token']);
      const claims = token.split('.')[1];
      const actual =
        claims === undefined
          ? undefined
          : (JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub?: string }).sub;
      return conditionOf(m.body, 'TokenReported')?.status === 'True' && actual === sub ? token : undefined;
    },
    30_000,
  );
}

async function deleteMsa(ns: string, name: string): Promise<void> {
  const res = await kubectl(['delete', 'msa', '-n', ns, name, '--wait=false'], {
    kubeconfig: hub().kubeconfigPath,
  });
  expect(res.exitCode).toBe(0);
  await waitFor(
    `${ns}/${name} gone`,
    async () => ((await getJson(msaPath(ns, name))).status === 404 ? true : undefined),
    15_000,
  );
}

async function createSa(cluster: 'cluster1' | 'cluster2', name: string, labelled: boolean): Promise<void> {
  const res = await kubeRequest(spoke(cluster), 'POST', `/api/v1/namespaces/${AGENT_NS}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, ...(labelled ? { labels: { [LABEL]: 'true' } } : {}) },
  });
  expect(res.status).toBe(201);
}

const saStatus = async (cluster: 'cluster1' | 'cluster2', name: string, ns = AGENT_NS): Promise<number> =>
  (await kubeRequest(spoke(cluster), 'GET', saPath(name, ns))).status;

/** The deletion request the dispatcher made (seen through a finalizer that holds the MSA). */
async function waitDeletionRequested(ns: string, name: string, timeoutMs: number): Promise<number> {
  const msa = await waitFor(
    `deletionTimestamp on ${ns}/${name}`,
    async () => {
      const m = (await getJson(msaPath(ns, name))).body as MsaBody;
      return m.metadata.deletionTimestamp !== undefined ? m : undefined;
    },
    timeoutMs,
    100,
  );
  return (
    (Date.parse(msa.metadata.deletionTimestamp ?? '') - Date.parse(msa.metadata.creationTimestamp)) / 1000
  );
}

async function releaseFinalizer(ns: string, name: string): Promise<void> {
  const res = await kubeRequest(
    hub(),
    'PATCH',
    msaPath(ns, name),
    { metadata: { finalizers: null } },
    MERGE_PATCH,
  );
  expect(res.status).toBe(200);
}

describe('offline clusters', () => {
  it('a worker that stops heartbeating: WorkerAvailable=False/WorkerHeartbeatMissed with the time last seen, True again when it returns; the stored token is left alone', async () => {
    await applyMsa('cluster2', 'off-1', '{rotation: {}}');
    const token = await waitToken('cluster2', 'off-1');
    const available = await waitFor(
      'WorkerAvailable=True',
      async () => {
        const c = conditionOf((await getJson(msaPath('cluster2', 'off-1'))).body, 'WorkerAvailable');
        return c?.status === 'True' ? c : undefined;
      },
      10_000,
    );
    expect(available.status).toBe('True');
    const rv = ((await getJson(secretPath('cluster2', 'off-1'))).body as SecretBody).metadata.resourceVersion;

    const stoppedAt = Date.now();
    await stack.stopWorker('cluster2');
    const missed = await waitFor(
      'WorkerAvailable=False',
      async () => {
        const c = conditionOf((await getJson(msaPath('cluster2', 'off-1'))).body, 'WorkerAvailable');
        return c?.status === 'False' ? c : undefined;
      },
      HEARTBEAT_TIMEOUT_SECONDS * 1000 + 10_000,
    );
    expect(missed.reason).toBe('WorkerHeartbeatMissed');
    const lastSeen = /since (\S+)$/.exec(missed.message ?? '')?.[1];
    expect(lastSeen, missed.message).toBeDefined();
    // The last heartbeat came shortly before the worker stopped (1 s interval).
    expect(Math.abs(Date.parse(lastSeen ?? '') - stoppedAt)).toBeLessThan(5000);
    // TokenReported keeps describing the stored token, which is untouched.
    const msa = await getJson(msaPath('cluster2', 'off-1'));
    expect(conditionOf(msa.body, 'TokenReported')?.status).toBe('True');
    expect(
      ((await getJson(secretPath('cluster2', 'off-1'))).body as SecretBody).metadata.resourceVersion,
    ).toBe(rv);

    await stack.startWorker('cluster2');
    await waitFor(
      'WorkerAvailable=True again',
      async () => {
        const c = conditionOf((await getJson(msaPath('cluster2', 'off-1'))).body, 'WorkerAvailable');
        return c?.status === 'True' ? c : undefined;
      },
      10_000,
    );
    const after = (await getJson(secretPath('cluster2', 'off-1'))).body as SecretBody;
    expect(after.metadata.resourceVersion).toBe(rv);
    expect(unb64(after.data?.['token'])).toBe(token);
    // Leave cluster2 without MSAs for the next test.
    await deleteMsa('cluster2', 'off-1');
    await waitFor(
      'the SA of off-1 deleted',
      async () => ((await saStatus('cluster2', 'off-1')) === 404 ? true : undefined),
      15_000,
    );
  }, 60_000);
});

describe('orphan sweeps', () => {
  it('labelled SAs orphaned while the worker was down are deleted when it returns; unlabelled SAs are kept; no sweep on a cluster with no live MSA', async () => {
    const c1 = spoke('cluster1');
    await Promise.all(['keep-1', 'keep-2', 'orphan-1'].map((n) => applyMsa('cluster1', n, '{rotation: {}}')));
    const [keep1] = await Promise.all(['keep-1', 'keep-2', 'orphan-1'].map((n) => waitToken('cluster1', n)));
    await createSa('cluster1', 'plain-1', false);

    await Promise.all([stack.stopWorker('cluster1'), stack.stopWorker('cluster2')]);
    // While the workers are down: an MSA is deleted (its delete job waits in the queue), a
    // labelled SA appears that no MSA ever had (only a sweep can remove it), and cluster2 gets a
    // labelled SA while it has no MSA at all.
    await deleteMsa('cluster1', 'orphan-1');
    await createSa('cluster1', 'orphan-2', true);
    await createSa('cluster2', 'lonely', true);
    const restarted = Date.now();
    await Promise.all([stack.startWorker('cluster1'), stack.startWorker('cluster2')]);

    await waitFor(
      'orphan-1 and orphan-2 deleted on cluster1',
      async () =>
        (await saStatus('cluster1', 'orphan-1')) === 404 && (await saStatus('cluster1', 'orphan-2')) === 404
          ? true
          : undefined,
      20_000,
    );
    expect(await saStatus('cluster1', 'plain-1')).toBe(200);
    expect(await saStatus('cluster1', 'keep-1')).toBe(200);
    expect(await saStatus('cluster1', 'keep-2')).toBe(200);
    expect(await whoAmI(c1.server, c1.caPem, keep1 ?? '')).toBe(`system:serviceaccount:${AGENT_NS}:keep-1`);

    // cluster2: the start-up sweep ran and refused to act on an empty list of live MSAs.
    const skipped = await waitFor(
      'the sweep on cluster2 skipped',
      () =>
        Promise.resolve(
          (stack.workers['cluster2']?.lines ?? [])
            .filter((l) => l.startsWith('{'))
            .map(
              (l) =>
                JSON.parse(l) as {
                  msg: string;
                  job?: string;
                  time: number;
                  result?: { action?: string; why?: string };
                },
            )
            .find(
              (e) =>
                e.msg === 'job finished' &&
                e.job === 'sweep' &&
                e.time >= restarted &&
                e.result?.action === 'skipped',
            ),
        ),
      20_000,
    );
    expect(skipped.result?.why).toMatch(/no MSAs/);
    expect(await saStatus('cluster2', 'lonely')).toBe(200);
  }, 60_000);
});

describe('agent namespace', () => {
  it('a worker restarted with another agent namespace creates the SAs there and re-mints every token (the stored sub no longer matches)', async () => {
    const c1 = spoke('cluster1');
    const moved = 'e2e-agent-moved';
    await stack.stopWorker('cluster1');
    await stack.startWorker('cluster1', ['--agent-namespace', moved]);
    for (const name of ['keep-1', 'keep-2']) {
      const token = await waitToken('cluster1', name, `system:serviceaccount:${moved}:${name}`);
      expect(await whoAmI(c1.server, c1.caPem, token)).toBe(`system:serviceaccount:${moved}:${name}`);
      const sa = await kubeRequest(c1, 'GET', saPath(name, moved));
      expect(sa.status).toBe(200);
      expect((sa.body as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[LABEL]).toBe(
        'true',
      );
    }
  }, 60_000);
});

describe('ttlSecondsAfterCreation across dispatcher restarts', () => {
  it('with --ttl-deletion=false nothing is deleted; a dispatcher started later deletes what is overdue at once and the rest on time (the deadline lives on the MSA, not in the process)', async () => {
    // (Last in the file: a restart longer than the heartbeat timeout would flip WorkerAvailable.)
    await stack.restartHub(['--ttl-deletion=false']);
    const created = Date.now();
    await Promise.all([
      applyMsa('cluster2', 'ttl-off', '{rotation: {}, ttlSecondsAfterCreation: 1}'),
      applyMsa(
        'cluster2',
        'ttl-restart',
        '{rotation: {}, ttlSecondsAfterCreation: 20}',
        ', finalizers: [e2e.example.com/hold]',
      ),
    ]);
    // Turned off: an MSA past its TTL stays (and gets its token as usual).
    await Promise.all([waitToken('cluster2', 'ttl-off'), waitToken('cluster2', 'ttl-restart')]);
    const availableBefore = conditionOf(
      (await getJson(msaPath('cluster2', 'ttl-restart'))).body,
      'WorkerAvailable',
    );
    expect(availableBefore?.status).toBe('True');
    await new Promise((r) => setTimeout(r, Math.max(0, created + 2500 - Date.now())));
    const kept = await getJson(msaPath('cluster2', 'ttl-off'));
    expect(kept.status).toBe(200);
    expect((kept.body as MsaBody).metadata.deletionTimestamp).toBeUndefined();

    // On again (the default): the overdue MSA goes as soon as the dispatcher has listed it ...
    await stack.restartHub();
    // The restart must have finished well before the deadline for this to prove anything.
    expect(Date.now() - created).toBeLessThan(18_000);
    await waitFor(
      'ttl-off deleted once TTL deletion is on',
      async () => ((await getJson(msaPath('cluster2', 'ttl-off'))).status === 404 ? true : undefined),
      10_000,
    );
    // ... and the other one exactly on its deadline (20–21 s; the finalizer holds it to look).
    const requested = await waitDeletionRequested('cluster2', 'ttl-restart', 20_000);
    expect(requested).toBeGreaterThanOrEqual(20);
    expect(requested).toBeLessThanOrEqual(21);
    // The hub was down longer than the heartbeat timeout, the worker was not: no flip.
    expect(conditionOf((await getJson(msaPath('cluster2', 'ttl-restart'))).body, 'WorkerAvailable')).toEqual(
      availableBefore,
    );
    await releaseFinalizer('cluster2', 'ttl-restart');
  }, 60_000);
});
