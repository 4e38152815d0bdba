// End-to-end: the whole system as separate processes started through their CLIs (kube-sim
// clusters, msa-hub, one msa-worker per spoke) against the suite's real Redis. Clusters come from
// MSA_E2E_*_KUBECONFIG when set (docs/testing.md), else from kube-sim processes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from './support/kubectl.js';
import {
  AGENT_NS,
  conditionOf,
  httpsJson,
  kubeRequest,
  simClearFault,
  simCount,
  simFault,
  simWrites,
  startE2eStack,
  stopE2eStack,
  waitFor,
  whoAmI,
  type JsonAnswer,
  type Stack,
  msaPath,
  expectedUser,
  spokeOf,
  MSA_GROUP,
} from './support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startE2eStack(inject('redisUrl'), 5, { workerConcurrency: 4, heartbeatIntervalSeconds: 5 });
}, 120_000);

afterAll(async () => {
  await stopE2eStack(stack);
}, 30_000);

const hub = (): Stack['hub'] => stack.hub;
const spoke = (name: 'cluster1' | 'cluster2'): Stack['spokes'][string] => spokeOf(stack, name);
const sim = (name: string): boolean => stack.simulated.has(name);

async function applyMsa(ns: string, name: string, spec: string, version = 'v1beta1'): Promise<void> {
  const yaml = `apiVersion: ${MSA_GROUP}/${version}\nkind: ManagedServiceAccount\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: ${spec}\n`;
  const res = await kubectl(['apply', '-f', '-'], { kubeconfig: hub().kubeconfigPath, input: yaml });
  expect(res.stderr).toBe('');
  expect(res.exitCode).toBe(0);
}

async function getJson(path: string): Promise<JsonAnswer> {
  return kubeRequest(hub(), 'GET', path);
}

/** Waits until the MSA reports both conditions True and returns its Secret's token and CA. */
async function waitMinted(ns: string, name: string): Promise<{ token: string; ca: string; msa: unknown }> {
  const msa = await waitFor(
    `${ns}/${name} TokenReported=True and SecretCreated=True`,
    async () => {
      const res = await getJson(msaPath(ns, name));
      const ok =
        conditionOf(res.body, 'TokenReported')?.status === 'True' &&
        conditionOf(res.body, 'SecretCreated')?.status === 'True';
      return ok ? res.body : undefined;
    },
    30_000,
  );
  const secret = await getJson(`/api/v1/namespaces/${ns}/secrets/${name}`);
  expect(secret.status).toBe(200);
  const data = (secret.body as { data: Record<string, string> }).data;
  expect(Object.keys(data).sort()).toEqual(['ca.crt', 'token']);
  return {
    token: Buffer.from(data['token'] ?? '', 'base64').toString('utf8'),
    ca: Buffer.from(data['ca.crt'] ?? '', 'base64').toString('utf8'),
    msa,
  };
}

function readCredential(cluster: string): string {
  // The newest credential the worker holds may have been renewed in memory; the file one is
  // still valid for its whole lifetime, which is what these calls need.
  return readFileSync(`${stack.dir}/workers/${cluster}/credential`, 'utf8').trim();
}

const hubCall = (
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<JsonAnswer> => httpsJson(stack.hubUrl, stack.hubCaPem, token, method, path, body);

/** Hub-side writes that could carry a worker's report: Secrets and MSAs in a cluster namespace. */
async function hubReportWrites(ns: string): Promise<number> {
  const [secrets, msas] = await Promise.all([
    simWrites(hub(), `/api/v1/namespaces/${ns}/secrets`),
    simWrites(hub(), `/apis/${MSA_GROUP}/`),
  ]);
  return secrets + msas;
}

describe('worker calls the hub refuses (real HTTPS, before any MSA exists)', () => {
  const report = {
    name: 'e2e-forged',
    uid: '00000000-0000-0000-0000-000000000001',
    token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    expirationTimestamp: '2030-01-01T00:00:00Z',
    requestedExpirationSeconds: 3600,
  };

  it('forged, cross-cluster and malformed calls get 4xx with a stable code and write nothing', async () => {
    const before = sim('hub') ? await hubReportWrites('cluster1') : 0;
    const forged = [
      `${Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({
          sub: 'system:serviceaccount:cluster1:managed-serviceaccount-worker',
          exp: 4102444800,
        }),
      ).toString('base64url')}.Zm9yZ2Vk`,
      'not-a-token',
    ];
    for (const token of [...forged, undefined]) {
      const res = await hubCall(token, 'POST', '/v1/clusters/cluster1/tokens', report);
      expect(res.status, `token ${String(token)}`).toBe(401);
      expect((res.body as { code?: string }).code).toMatch(/^MSA_ERR_/);
      expect(res.text).not.toContain(report.token);
    }
    const c2 = readCredential('cluster2');
    for (const [method, path, body] of [
      ['POST', '/v1/clusters/cluster1/tokens', report],
      [
        'POST',
        '/v1/clusters/cluster1/failures',
        { name: 'e2e-forged', uid: report.uid, reason: 'TokenReportFailed', message: 'x', retryable: false },
      ],
      [
        'POST',
        '/v1/clusters/cluster1/heartbeat',
        { workerId: 'evil', agentNamespace: AGENT_NS, version: '0' },
      ],
      ['GET', '/v1/clusters/cluster1/managedserviceaccounts', undefined],
      ['GET', '/v1/clusters/cluster1/managedserviceaccounts/e2e-forged/token', undefined],
      ['POST', '/v1/clusters/cluster1/credential', {}],
    ] as const) {
      const res = await hubCall(c2, method, path, body);
      expect(res.status, `${method} ${path} with cluster2's credential`).toBe(403);
      expect((res.body as { code?: string }).code).toMatch(/^MSA_ERR_/);
    }
    const c1 = readCredential('cluster1');
    for (const body of [
      { ...report, token: 42 },
      { name: 'e2e-forged' },
      { ...report, expirationTimestamp: 'tomorrow' },
      { ...report, extra: true, requestedExpirationSeconds: -5 },
    ]) {
      const res = await hubCall(c1, 'POST', '/v1/clusters/cluster1/tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { code?: string }).code).toMatch(/^MSA_ERR_/);
    }
    // Well-formed and authorised, but for an MSA that does not exist: refused, nothing stored.
    const unknown = await hubCall(c1, 'POST', '/v1/clusters/cluster1/tokens', report);
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    expect((await getJson('/api/v1/namespaces/cluster1/secrets/e2e-forged')).status).toBe(404);
    if (sim('hub')) expect(await hubReportWrites('cluster1')).toBe(before);
  });
});

describe('managed service accounts end to end', () => {
  it.concurrent(
    'v1beta1: the Secret token and ca.crt authenticate on cluster1 as the SA; not on cluster2',
    async () => {
      await applyMsa('cluster1', 'e2e-beta', '{rotation: {}}');
      const { token, ca, msa } = await waitMinted('cluster1', 'e2e-beta');
      expect(await whoAmI(spoke('cluster1').server, ca, token)).toBe(expectedUser('e2e-beta'));
      expect(ca).toBe(spoke('cluster1').caPem);
      const status = (msa as { status: { expirationTimestamp: string; tokenSecretRef: { name: string } } })
        .status;
      expect(status.tokenSecretRef.name).toBe('e2e-beta');
      expect(Date.parse(status.expirationTimestamp)).toBeGreaterThan(Date.now() + 300 * 86400_000);
      const sa = await kubeRequest(
        spoke('cluster1'),
        'GET',
        `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-beta`,
      );
      expect(
        (sa.body as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[
          `${MSA_GROUP}/is-managed-serviceaccount`
        ],
      ).toBe('true');
      // The token fails on cluster2 (its own signing key), verified over cluster2's real TLS.
      expect(await whoAmI(spoke('cluster2').server, spoke('cluster2').caPem, token)).toBe(401);
    },
  );

  it.concurrent('v1alpha1 behaves the same', async () => {
    await applyMsa('cluster2', 'e2e-alpha', '{rotation: {enabled: true, validity: 720h}}', 'v1alpha1');
    const { token, ca } = await waitMinted('cluster2', 'e2e-alpha');
    expect(await whoAmI(spoke('cluster2').server, ca, token)).toBe(expectedUser('e2e-alpha'));
    const alpha = await getJson(msaPath('cluster2', 'e2e-alpha', 'v1alpha1'));
    expect((alpha.body as { apiVersion: string }).apiVersion).toBe(`${MSA_GROUP}/v1alpha1`);
    expect(conditionOf(alpha.body, 'TokenReported')?.status).toBe('True');
  });

  it.concurrent(
    'an MSA in a namespace with no ManagedCluster gets TokenReported=False/ClusterNotFound',
    async () => {
      const ns = await kubeRequest(hub(), 'POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'e2e-not-a-cluster' },
      });
      expect([201, 409]).toContain(ns.status);
      await applyMsa('e2e-not-a-cluster', 'orphan', '{rotation: {}}');
      const cond = await waitFor(
        'ClusterNotFound',
        async () => {
          const c = conditionOf(
            (await getJson(msaPath('e2e-not-a-cluster', 'orphan'))).body,
            'TokenReported',
          );
          return c?.status === 'False' ? c : undefined;
        },
        20_000,
      );
      expect(cond.reason).toBe('ClusterNotFound');
      expect(cond.message).toContain('e2e-not-a-cluster');
      expect((await getJson('/api/v1/namespaces/e2e-not-a-cluster/secrets/orphan')).status).toBe(404);
    },
  );

  it.concurrent(
    'deletion removes MSA, Secret and labelled SA, keeps an unlabelled SA, and the old token stops working',
    async () => {
      const c1 = spoke('cluster1');
      const pre = await kubeRequest(c1, 'POST', `/api/v1/namespaces/${AGENT_NS}/serviceaccounts`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'e2e-preexisting' },
      });
      expect([201, 409]).toContain(pre.status);
      await applyMsa('cluster1', 'e2e-del', '{rotation: {}}');
      await applyMsa('cluster1', 'e2e-preexisting', '{rotation: {}}');
      const del = await waitMinted('cluster1', 'e2e-del');
      const kept = await waitMinted('cluster1', 'e2e-preexisting');
      expect(await whoAmI(c1.server, del.ca, del.token)).toBe(expectedUser('e2e-del'));
      expect(await whoAmI(c1.server, kept.ca, kept.token)).toBe(expectedUser('e2e-preexisting'));
      const preSa = await kubeRequest(
        c1,
        'GET',
        `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-preexisting`,
      );
      expect((preSa.body as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {}).toEqual(
        {},
      );

      const res = await kubectl(
        ['delete', 'msa', '-n', 'cluster1', 'e2e-del', 'e2e-preexisting', '--wait=false'],
        {
          kubeconfig: hub().kubeconfigPath,
        },
      );
      expect(res.exitCode).toBe(0);
      await waitFor(
        'MSAs, Secrets and the labelled SA gone',
        async () => {
          const statuses = await Promise.all([
            getJson(msaPath('cluster1', 'e2e-del')),
            getJson(msaPath('cluster1', 'e2e-preexisting')),
            getJson('/api/v1/namespaces/cluster1/secrets/e2e-del'),
            getJson('/api/v1/namespaces/cluster1/secrets/e2e-preexisting'),
            kubeRequest(c1, 'GET', `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-del`),
          ]);
          return statuses.every((s) => s.status === 404) ? true : undefined;
        },
        30_000,
      );
      expect(await whoAmI(c1.server, del.ca, del.token)).toBe(401);
      const survivor = await kubeRequest(
        c1,
        'GET',
        `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-preexisting`,
      );
      expect(survivor.status).toBe(200);
    },
  );

  it.concurrent(
    'deleting the labelled SA on the spoke while the MSA is live gets a new SA and a new token',
    async () => {
      const c1 = spoke('cluster1');
      await applyMsa('cluster1', 'e2e-sa-gone', '{rotation: {validity: 2h}}');
      const first = await waitMinted('cluster1', 'e2e-sa-gone');
      const saPath = `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-sa-gone`;
      const oldUid = ((await kubeRequest(c1, 'GET', saPath)).body as { metadata: { uid: string } }).metadata
        .uid;
      expect((await kubeRequest(c1, 'DELETE', saPath)).status).toBe(200);
      const fresh = await waitFor(
        'a new token for the recreated SA',
        async () => {
          const s = await getJson('/api/v1/namespaces/cluster1/secrets/e2e-sa-gone');
          const token = Buffer.from(
            (s.body as { data?: Record<string, string> }).data?.['token'] ?? '',
            'base64',
          ).toString();
          return token !== '' && token !== first.token ? token : undefined;
        },
        30_000,
      );
      const sa = await kubeRequest(c1, 'GET', saPath);
      expect(sa.status).toBe(200);
      expect((sa.body as { metadata: { uid: string } }).metadata.uid).not.toBe(oldUid);
      expect(await whoAmI(c1.server, c1.caPem, first.token)).toBe(401);
      expect(await whoAmI(c1.server, c1.caPem, fresh)).toBe(expectedUser('e2e-sa-gone'));
      // It was the worker's watch that asked for the re-check (ADR 0010): the hub cannot see the spoke.
      expect(
        (stack.workers['cluster1']?.lines ?? []).some(
          (l) => l.includes('"msa":"e2e-sa-gone"') && l.includes('queued a re-check'),
        ),
      ).toBe(true);
      // The requested lifetime was kept (2 h), not replaced by the default.
      const claims = JSON.parse(Buffer.from(fresh.split('.')[1] ?? '', 'base64url').toString()) as {
        exp: number;
        iat: number;
      };
      expect(claims.exp - claims.iat).toBe(7200);
    },
  );

  it.concurrent(
    'an unchanged healthy MSA causes no TokenRequest and no hub write for a minute',
    async (ctx) => {
      if (!sim('hub') || !sim('cluster1')) ctx.skip();
      await applyMsa('cluster1', 'e2e-quiet', '{rotation: {}}');
      await waitMinted('cluster1', 'e2e-quiet');
      const tokenPath = `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-quiet/token`;
      const count = async (): Promise<number[]> =>
        Promise.all([
          simCount(spoke('cluster1'), { pathPrefix: tokenPath }),
          simWrites(hub(), '/api/v1/namespaces/cluster1/secrets/e2e-quiet'),
          simWrites(hub(), msaPath('cluster1', 'e2e-quiet')),
        ]);
      // Let the mint's own follow-up writes (status after the Secret) land first.
      await waitFor(
        'the mint to settle',
        async () => {
          const a = await count();
          await new Promise((r) => setTimeout(r, 1500));
          const b = await count();
          return a.join() === b.join() ? a : undefined;
        },
        15_000,
        0,
      );
      const before = await count();
      expect(before[0]).toBe(1);
      // The issue says a minute; other tests of this file run meanwhile.
      await new Promise((r) => setTimeout(r, 60_000));
      expect(await count()).toEqual(before);
    },
    90_000,
  );

  it.concurrent(
    'a burst of 20 edits with spoke latency never runs two jobs of the MSA at once and ends in the latest state',
    async () => {
      const c1 = spoke('cluster1');
      await applyMsa('cluster1', 'e2e-burst', '{rotation: {}}');
      await waitMinted('cluster1', 'e2e-burst');
      const latency = sim('cluster1')
        ? await simFault(c1, {
            kind: 'latency',
            ms: 250,
            pathPrefix: `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-burst`,
          })
        : undefined;
      try {
        const tokenPath = `/api/v1/namespaces/${AGENT_NS}/serviceaccounts/e2e-burst/token`;
        const mintsBefore = sim('cluster1') ? await simCount(c1, { pathPrefix: tokenPath }) : 0;
        for (let i = 1; i <= 20; i++) {
          const res = await kubeRequest(
            hub(),
            'PATCH',
            msaPath('cluster1', 'e2e-burst'),
            { metadata: { annotations: { 'msa-queue.io/rotate': `edit-${i}` } } },
            { 'content-type': 'application/merge-patch+json' },
          );
          expect(res.status).toBe(200);
        }
        const final = await waitFor(
          'the last edit answered',
          async () => {
            const s = await getJson('/api/v1/namespaces/cluster1/secrets/e2e-burst');
            const ann = (s.body as { metadata?: { annotations?: Record<string, string> } }).metadata
              ?.annotations;
            return ann?.['msa-queue.io/rotated-for'] === 'edit-20' ? s : undefined;
          },
          45_000,
        );
        const token = Buffer.from(
          (final.body as { data: Record<string, string> }).data['token'] ?? '',
          'base64',
        ).toString();
        expect(await whoAmI(c1.server, c1.caPem, token)).toBe(expectedUser('e2e-burst'));
        expect(
          conditionOf((await getJson(msaPath('cluster1', 'e2e-burst'))).body, 'TokenReported')?.status,
        ).toBe('True');
        if (sim('cluster1')) {
          const mints = (await simCount(c1, { pathPrefix: tokenPath })) - mintsBefore;
          expect(mints).toBeGreaterThanOrEqual(1);
          expect(mints).toBeLessThan(20);
        }
        // The worker logs when BullMQ hands it a job and when the job ends: per MSA the
        // intervals must never overlap.
        const events = (stack.workers['cluster1']?.lines ?? [])
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg: string; msa?: string; jobId?: string; time: number })
          .filter((e) => e.msa === 'cluster1/e2e-burst' && /^job (started|finished)/.test(e.msg));
        let active = 0;
        let maxActive = 0;
        for (const e of events) {
          active += e.msg === 'job started' ? 1 : -1;
          maxActive = Math.max(maxActive, active);
        }
        expect(events.filter((e) => e.msg === 'job started').length).toBeGreaterThan(1);
        expect(maxActive).toBe(1);
      } finally {
        if (latency !== undefined) await simClearFault(c1, latency);
      }
    },
    90_000,
  );
});
