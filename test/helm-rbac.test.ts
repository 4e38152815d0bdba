// The charts' RBAC is enough, and is what the product runs with: kube-sim clusters enforcing RBAC
// get exactly the ServiceAccounts, Roles and bindings `helm template` renders; the hub dispatcher
// and `register-cluster` then run with the hub chart's ServiceAccount token, the worker with the
// worker chart's, and a ManagedServiceAccount goes through its whole life (mint, report, Secret,
// SA deletion) without a single 403 on either cluster.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  HubConfigSchema,
  validateConfig,
  WorkerConfigSchema,
  type ManagedServiceAccount,
} from '@msa/common';
import {
  createKubeConfig,
  installCrds,
  KubeApiError,
  KubeRest,
  registerCluster,
  startHub,
  type HubHandle,
} from '@msa/hub-dispatcher';
import {
  createCertificateAuthority,
  issueServingCertificate,
  renderKubeconfig,
  startCluster,
  type SimCluster,
} from '@msa/kube-sim';
import { startWorker, type RunningWorker } from '@msa/spoke-worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELM = join(ROOT, '.tools/bin/helm');
const HUB_NS = 'msa-system';
const AGENT_NS = 'open-cluster-management-agent-addon';
/** A cluster name of its own, so the shared Redis never mixes this file's queue with another's. */
const CLUSTER = `rbac-${process.pid}`;
const GROUP = 'authentication.open-cluster-management.io';

interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

function helmTemplate(chart: string, args: readonly string[]): Promise<RenderedObject[]> {
  return new Promise((resolve, reject) => {
    execFile(HELM, ['template', 'msa', join(ROOT, 'helm', chart), ...args], (err, stdout, stderr) => {
      if (err !== null) {
        reject(new Error(`helm template ${chart} failed: ${stderr || err.message}`));
        return;
      }
      resolve(
        parseAllDocuments(stdout)
          .map((d) => d.toJS() as RenderedObject | null)
          .filter((o): o is RenderedObject => o !== null),
      );
    });
  });
}

/** REST collection path of the identity and RBAC kinds the charts render. */
function collectionPath(o: RenderedObject): string | undefined {
  const ns = o.metadata.namespace ?? '';
  switch (o.kind) {
    case 'ServiceAccount':
      return `/api/v1/namespaces/${ns}/serviceaccounts`;
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/${o.kind.toLowerCase()}s`;
    case 'Role':
    case 'RoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/${o.kind.toLowerCase()}s`;
    default:
      return undefined;
  }
}

/** Applies the chart's ServiceAccount and RBAC objects as admin; returns the ServiceAccount. */
async function applyIdentity(admin: KubeRest, objects: readonly RenderedObject[]): Promise<RenderedObject> {
  const kinds: string[] = [];
  for (const o of objects) {
    const path = collectionPath(o);
    if (path === undefined) continue;
    await admin.create(path, o);
    kinds.push(o.kind);
  }
  expect(kinds).toContain('ServiceAccount');
  expect(kinds).toContain('ClusterRoleBinding');
  const sa = objects.find((o) => o.kind === 'ServiceAccount');
  if (sa === undefined) throw new Error('the chart rendered no ServiceAccount');
  return sa;
}

/** A kubeconfig file that acts as the chart's ServiceAccount (what in-cluster config would give the pod). */
async function kubeconfigAs(
  sim: SimCluster,
  admin: KubeRest,
  sa: RenderedObject,
  dir: string,
): Promise<string> {
  const answer = await admin.create<{ status: { token: string } }>(
    `/api/v1/namespaces/${sa.metadata.namespace ?? ''}/serviceaccounts/${sa.metadata.name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  );
  const path = join(dir, `${sim.name}-${sa.metadata.name}.kubeconfig`);
  writeFileSync(
    path,
    renderKubeconfig({ name: sim.name, url: sim.url, caPem: sim.caPem, token: answer.status.token }),
  );
  return path;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const silent = createLogger({ name: 'helm-rbac', level: 'silent' });
let dir: string;
let hubSim: SimCluster;
let spokeSim: SimCluster;
let hubAdmin: KubeRest;
let spokeAdmin: KubeRest;
let hubAsChart: KubeRest;
let hub: HubHandle | undefined;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helm-rbac-'));
  [hubSim, spokeSim] = await Promise.all([
    startCluster({ name: 'hub', enforceRbac: true }),
    // Tokens capped at 1 h, like some providers: the hub then records an Event (its `events` rule).
    startCluster({ name: CLUSTER, enforceRbac: true, maxTokenSeconds: 3600 }),
  ]);
  await hubSim.writeKubeconfig(join(dir, 'hub-admin.kubeconfig'));
  await spokeSim.writeKubeconfig(join(dir, 'spoke-admin.kubeconfig'));
  hubAdmin = new KubeRest(createKubeConfig({ kubeconfigPath: join(dir, 'hub-admin.kubeconfig') }));
  spokeAdmin = new KubeRest(createKubeConfig({ kubeconfigPath: join(dir, 'spoke-admin.kubeconfig') }));

  // Hub: CRDs (an admin's job, like `helm install` does from crds/), then the chart's identity.
  await installCrds(hubAdmin);
  await hubAdmin.create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: HUB_NS },
  });
  const hubObjects = await helmTemplate('managed-serviceaccount-hub', [
    '-n',
    HUB_NS,
    '-f',
    join(ROOT, 'helm/managed-serviceaccount-hub/ci/test-values.yaml'),
  ]);
  const hubSa = await applyIdentity(hubAdmin, hubObjects);
  const hubKubeconfig = await kubeconfigAs(hubSim, hubAdmin, hubSa, dir);
  hubAsChart = new KubeRest(createKubeConfig({ kubeconfigPath: hubKubeconfig }));

  const ca = await createCertificateAuthority('helm-rbac-hub-api');
  const serving = await issueServingCertificate(ca, []);
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem);
  writeFileSync(join(dir, 'hub-ca.crt'), ca.certPem);
  const hubConfig = validateConfig(HubConfigSchema, {
    kubeconfig: hubKubeconfig,
    redisUrl: `${inject('redisUrl')}/11`,
    listenHost: '127.0.0.1',
    listenPort: 0,
    tlsCertFile: join(dir, 'tls.crt'),
    tlsKeyFile: join(dir, 'tls.key'),
    logLevel: 'silent',
  });
  if (!hubConfig.ok) throw new Error(hubConfig.problems.join('\n'));
  hub = await startHub(hubConfig.value, { logger: silent, planDelayMs: 20, tokenReviewCacheMs: 1000 });

  // register-cluster as the hub chart's ServiceAccount (as `kubectl exec … msa-hub register-cluster`).
  const registration = await registerCluster(hubAsChart, {
    cluster: CLUSTER,
    hubUrl: hub.url,
    hubCaPem: ca.certPem,
    credentialSeconds: 3600,
  });
  writeFileSync(join(dir, 'hub-token'), registration.token);

  // Spoke: the release namespace (= agent namespace), then the worker chart's identity.
  await spokeAdmin.create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: AGENT_NS },
  });
  const workerObjects = await helmTemplate('managed-serviceaccount-worker', [
    '-n',
    AGENT_NS,
    '-f',
    join(ROOT, 'helm/managed-serviceaccount-worker/ci/test-values.yaml'),
    '--set',
    `clusterName=${CLUSTER}`,
  ]);
  const workerSa = await applyIdentity(spokeAdmin, workerObjects);
  const spokeKubeconfig = await kubeconfigAs(spokeSim, spokeAdmin, workerSa, dir);
  const workerConfig = validateConfig(WorkerConfigSchema, {
    clusterName: CLUSTER,
    kubeconfig: spokeKubeconfig,
    agentNamespace: AGENT_NS,
    redisUrl: `${inject('redisUrl')}/11`,
    hubUrl: hub.url,
    hubCaFile: join(dir, 'hub-ca.crt'),
    credentialFile: join(dir, 'hub-token'),
    heartbeatIntervalSeconds: 2,
    logLevel: 'silent',
  });
  if (!workerConfig.ok) throw new Error(workerConfig.problems.join('\n'));
  worker = await startWorker(workerConfig.value, { logger: silent });
});

afterAll(async () => {
  await worker?.close();
  await hub?.close();
  await Promise.all([hubSim?.close(), spokeSim?.close()]);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('chart RBAC on RBAC-enforcing clusters', () => {
  it('is enforced: the chart identities are refused what they were not granted', async () => {
    const refused = await hubAsChart.get('/api/v1/namespaces/kube-system/configmaps').then(
      () => 0,
      (err: unknown) => (err instanceof KubeApiError ? err.statusCode : -1),
    );
    expect(refused).toBe(403);
  });

  it('lets an MSA be minted, stored, verified and cleaned up without one 403', async () => {
    const msaPath = `/apis/${GROUP}/v1beta1/namespaces/${CLUSTER}/managedserviceaccounts`;
    hubSim.counters.reset();
    spokeSim.counters.reset();
    await hubAdmin.create(msaPath, {
      apiVersion: `${GROUP}/v1beta1`,
      kind: 'ManagedServiceAccount',
      metadata: { name: 'rbac-probe', namespace: CLUSTER },
      spec: { rotation: { enabled: true, validity: '2h0m0s' } },
    });
    const secret = await waitFor('the token Secret', () =>
      hubAdmin.getOptional<{ data?: Record<string, string> }>(
        `/api/v1/namespaces/${CLUSTER}/secrets/rbac-probe`,
      ),
    );
    const msa = await waitFor('TokenReported', async () => {
      const m = await hubAdmin.getOptional<ManagedServiceAccount>(`${msaPath}/rbac-probe`);
      return m?.status?.conditions?.some((c) => c.type === 'TokenReported' && c.status === 'True')
        ? m
        : undefined;
    });
    expect(msa.status?.tokenSecretRef?.name).toBe('rbac-probe');
    const token = Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
    expect(token.split('.')).toHaveLength(3);

    // The spoke granted less than asked: the hub recorded an Event as the chart's ServiceAccount.
    await waitFor('the lifetime Event', async () => {
      const events = await hubAdmin.get<{
        items?: { reason?: string; involvedObject?: { name?: string } }[];
      }>(`/api/v1/namespaces/${CLUSTER}/events`);
      return events.items?.find((e) => e.involvedObject?.name === 'rbac-probe');
    });

    // The heartbeat went through too (the hub wrote its Lease as the chart's ServiceAccount).
    await waitFor('the worker heartbeat Lease', () =>
      hubAdmin.getOptional(
        `/apis/coordination.k8s.io/v1/namespaces/${CLUSTER}/leases/managed-serviceaccount-worker`,
      ),
    );

    await hubAdmin.delete(`${msaPath}/rbac-probe`);
    await waitFor('the spoke ServiceAccount to go', async () =>
      (await spokeAdmin.getOptional(`/api/v1/namespaces/${AGENT_NS}/serviceaccounts/rbac-probe`)) ===
      undefined
        ? true
        : undefined,
    );

    const forbidden = (sim: SimCluster): string[] =>
      sim.counters
        .snapshot()
        .requests.filter((r) => r.code === 403)
        .map((r) => `${r.method} ${r.path}`);
    expect(forbidden(hubSim)).toEqual([]);
    expect(forbidden(spokeSim)).toEqual([]);
    // The spoke really served the worker's calls (so "no 403" is not "no calls").
    expect(spokeSim.counters.count({ resource: 'serviceaccounts/token' })).toBeGreaterThan(0);
    expect(spokeSim.counters.count({ method: 'DELETE', resource: 'serviceaccounts' })).toBeGreaterThan(0);
  });
});
