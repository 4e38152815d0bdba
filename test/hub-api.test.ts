import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, UnrecoverableError } from 'bullmq';
import {
  HubConfigSchema,
  validateConfig,
  createLogger,
  type HubConfig,
  type ManagedServiceAccount,
} from '@msa/common';
import {
  KubeRest,
  createKubeConfig,
  installCrds,
  registerCluster,
  startHub,
  type HubHandle,
} from '@msa/hub-dispatcher';
import {
  createCertificateAuthority,
  issueServingCertificate,
  startCluster,
  type SimCluster,
} from '@msa/kube-sim';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const GROUP = 'authentication.open-cluster-management.io';
const msaPath = (ns: string, name = ''): string =>
  `/apis/${GROUP}/v1beta1/namespaces/${ns}/managedserviceaccounts${name === '' ? '' : `/${name}`}`;
const secretPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/secrets/${name}`;

let sim: SimCluster;
let rest: KubeRest;
let hub: HubHandle;
let dir: string;
let hubCaPem: string;
const redisUrl = inject('redisUrl');
const OPS = { user: 'ops', pass: 'ops-password-1' };
let seq = 0;

/** A unique cluster name per test, so one kube-sim and one Redis serve the whole file. */
function clusterName(prefix: string): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}`;
}

function fakeJwt(sub: string, extra: Record<string, unknown> = {}): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', kid: 'k' })}.${enc({ sub, ...extra })}.c2lnbmF0dXJl`;
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Writes made in a namespace (POST/PUT/PATCH/DELETE on namespaced paths; TokenReviews are not writes). */
function writesIn(ns: string): number {
  return sim.counters
    .snapshot()
    .requests.filter(
      (r) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method.toUpperCase()) &&
        r.path.includes(`/namespaces/${ns}/`) &&
        r.code < 400,
    ).length;
}

function allWrites(): number {
  return sim.counters
    .snapshot()
    .requests.filter(
      (r) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method.toUpperCase()) && r.resource !== 'tokenreviews',
    ).length;
}

async function newCluster(prefix: string): Promise<{ name: string; token: string }> {
  const name = clusterName(prefix);
  const reg = await registerCluster(rest, {
    cluster: name,
    hubUrl: hub.url,
    hubCaPem,
    credentialSeconds: 3600,
  });
  return { name, token: reg.token };
}

async function createMsa(
  ns: string,
  name: string,
  spec: object = { rotation: {} },
): Promise<ManagedServiceAccount> {
  return rest.create<ManagedServiceAccount>(msaPath(ns), {
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'ManagedServiceAccount',
    metadata: { name, namespace: ns },
    spec,
  });
}

function queueOf(cluster: string): Queue {
  return hub.queues.queue(cluster);
}

async function post(
  url: string,
  token: string,
  body: unknown,
): Promise<{ statusCode: number; json: Record<string, unknown> }> {
  const res = await hub.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { statusCode: res.statusCode, json: res.json() };
}

function tokenReport(
  msa: ManagedServiceAccount,
  token: string,
  grantedSeconds: number,
  requested = grantedSeconds,
): object {
  return {
    name: msa.metadata.name,
    uid: msa.metadata.uid,
    token,
    caBundle: sim.caPem,
    // Half a second of slack so the hub's rounding of (expiry − now) gives exactly grantedSeconds.
    expirationTimestamp: new Date(Date.now() + grantedSeconds * 1000 + 500).toISOString(),
    requestedExpirationSeconds: requested,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-api-'));
  sim = await startCluster({ name: 'hub' });
  const kubeconfig = join(dir, 'hub.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  rest = new KubeRest(createKubeConfig({ kubeconfigPath: kubeconfig }));
  await installCrds(rest);
  const ca = await createCertificateAuthority('hub-api-ca');
  const serving = await issueServingCertificate(ca, []);
  hubCaPem = ca.certPem;
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem);
  const validated = validateConfig(HubConfigSchema, {
    kubeconfig,
    redisUrl,
    listenHost: '127.0.0.1',
    listenPort: 0,
    tlsCertFile: join(dir, 'tls.crt'),
    tlsKeyFile: join(dir, 'tls.key'),
    opsUsername: OPS.user,
    opsPassword: OPS.pass,
    logLevel: 'silent',
  });
  if (!validated.ok) throw new Error(validated.problems.join('\n'));
  const config: HubConfig = validated.value;
  hub = await startHub(config, {
    logger: createLogger({ name: 'hub-test', level: 'silent' }),
    planDelayMs: 20,
    deadLetterPollMs: 200,
    tokenReviewCacheMs: 1000,
  });
});

afterAll(async () => {
  await hub?.close();
  await sim?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('hub API against kube-sim and Redis', () => {
  it('serves probes, metrics and the ops area over real HTTPS', async () => {
    const get = (path: string, auth?: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = https.request(
          `${hub.url}${path}`,
          { ca: hubCaPem, headers: auth === undefined ? {} : { authorization: auth } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({
      ready: true,
      checks: { informersSynced: true, redis: true },
    });
    const metrics = await get('/metrics');
    expect(metrics.body).toContain('msa_queue_jobs_enqueued_total');
    expect(metrics.body).toContain('msa_informer_restarts_total');
    expect((await get('/ops/queues')).status).toBe(401);
    const basic = `Basic ${Buffer.from(`${OPS.user}:${OPS.pass}`).toString('base64')}`;
    expect((await get('/ops/queues', basic)).status).toBe(200);
    expect((await get('/ops/dead-letters', basic)).status).toBe(200);
  });

  it('enqueues a reconcile for a new MSA, and a token report writes exactly the Secret and the status', async () => {
    const { name: cluster, token: workerToken } = await newCluster('report');
    const msa = await createMsa(cluster, 'm1', { rotation: { validity: '24h' } });
    const job = await waitFor('reconcile job', async () => (await queueOf(cluster).getJobs(['waiting']))[0]);
    expect(job.name).toBe('reconcile');
    expect(job.data).toMatchObject({
      cluster,
      namespace: cluster,
      name: 'm1',
      uid: msa.metadata.uid,
      expirationSeconds: 86400,
      mintReason: 'StatusMissing',
      verify: false,
    });
    expect(JSON.stringify(job.data)).not.toMatch(/eyJ/);

    const first = fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1');
    const r1 = await post(`/v1/clusters/${cluster}/tokens`, workerToken, tokenReport(msa, first, 86400));
    expect(r1.statusCode).toBe(200);
    expect(r1.json.secretName).toBe('m1');

    // Second report: the Secret exists, so exactly two writes (Secret update + status update).
    const before = writesIn(cluster);
    const second = fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1', { jti: 'two' });
    const r2 = await post(`/v1/clusters/${cluster}/tokens`, workerToken, {
      ...tokenReport(msa, second, 86400),
      rotateToken: 'r7',
    });
    expect(r2.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const written = sim.counters
      .snapshot()
      .requests.filter(
        (r) =>
          ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.path.includes(`/namespaces/${cluster}/`),
      );
    expect(writesIn(cluster) - before).toBe(2);
    expect(
      written
        .slice(-2)
        .map((r) => `${r.method} ${r.resource}`)
        .sort(),
    ).toEqual(['PUT managedserviceaccounts/status', 'PUT secrets']);

    const secret = await rest.get<{
      type: string;
      data: Record<string, string>;
      metadata: {
        labels: Record<string, string>;
        annotations: Record<string, string>;
        ownerReferences: object[];
      };
    }>(secretPath(cluster, 'm1'));
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'token']);
    expect(Buffer.from(secret.data.token ?? '', 'base64').toString()).toBe(second);
    expect(Buffer.from(secret.data['ca.crt'] ?? '', 'base64').toString()).toBe(sim.caPem);
    expect(secret.metadata.labels[`${GROUP}/is-managed-serviceaccount`]).toBe('true');
    expect(secret.metadata.annotations).toMatchObject({
      'msa-queue.io/requested-expiration-seconds': '86400',
      'msa-queue.io/granted-expiration-seconds': '86400',
      'msa-queue.io/rotated-for': 'r7',
    });
    expect(secret.metadata.ownerReferences).toEqual([
      { apiVersion: `${GROUP}/v1beta1`, kind: 'ManagedServiceAccount', name: 'm1', uid: msa.metadata.uid },
    ]);

    const updated = await rest.get<ManagedServiceAccount>(msaPath(cluster, 'm1'));
    const cond = Object.fromEntries((updated.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(cond.SecretCreated).toMatchObject({ status: 'True', reason: 'SecretCreated' });
    expect(cond.TokenReported).toMatchObject({ status: 'True', reason: 'TokenReported', message: '' });
    expect(updated.status?.tokenSecretRef?.name).toBe('m1');
    expect(Date.parse(updated.status?.expirationTimestamp ?? '')).toBeGreaterThan(Date.now() + 86_000_000);

    // The worker can read the token back, and the live list is synced.
    const read = await hub.app.inject({
      method: 'GET',
      url: `/v1/clusters/${cluster}/managedserviceaccounts/m1/token`,
      headers: { authorization: `Bearer ${workerToken}` },
    });
    expect(read.json()).toEqual({ name: 'm1', uid: msa.metadata.uid, token: second });
    const list = await hub.app.inject({
      method: 'GET',
      url: `/v1/clusters/${cluster}/managedserviceaccounts`,
      headers: { authorization: `Bearer ${workerToken}` },
    });
    expect(list.json()).toEqual({
      synced: true,
      items: [{ name: 'm1', uid: msa.metadata.uid, deleting: false }],
    });
    const metrics = await hub.metrics.registry.metrics();
    expect(metrics).toMatch(/msa_api_reports_total\{route="tokens",result="ok"\} [1-9]/);
    expect(metrics).toMatch(/msa_queue_jobs_enqueued_total\{kind="reconcile"\} [1-9]/);
    expect(metrics).toMatch(/msa_queue_depth_jobs\{queue="\{[^}]+\}",state="waiting"\} \d/);
  });

  it('leaves an unchanged healthy MSA alone: only the delayed rotation job, no hub write', async () => {
    const { name: cluster, token: workerToken } = await newCluster('healthy');
    const msa = await createMsa(cluster, 'm1', { rotation: { validity: '24h' } });
    await waitFor('reconcile job', async () => (await queueOf(cluster).getJobs(['waiting']))[0]);
    // Play the worker: take the job, report, finish it.
    await queueOf(cluster).drain(true);
    const jwt = fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1');
    expect(
      (await post(`/v1/clusters/${cluster}/tokens`, workerToken, tokenReport(msa, jwt, 86400))).statusCode,
    ).toBe(200);
    const delayed = await waitFor(
      'rotation job',
      async () => (await queueOf(cluster).getJobs(['delayed']))[0],
    );
    const refreshed = Date.now();
    const fireAt = delayed.timestamp + (delayed.delay ?? 0);
    // 0.8 × 24 h, moved earlier by at most 5 % of the lifetime.
    expect(fireAt).toBeLessThanOrEqual(refreshed + 0.8 * 86_400_000 + 2000);
    expect(fireAt).toBeGreaterThanOrEqual(refreshed + 0.75 * 86_400_000 - 5000);
    expect(delayed.data).toMatchObject({ mintReason: 'RotationDue', name: 'm1' });

    const before = writesIn(cluster);
    hub.dispatcher.replanAll();
    await hub.dispatcher.idle();
    expect(writesIn(cluster)).toBe(before);
    const counts = await queueOf(cluster).getJobCounts('waiting', 'delayed', 'active');
    expect(counts).toEqual({ waiting: 0, delayed: 1, active: 0 });
    const again = (await queueOf(cluster).getJobs(['delayed']))[0];
    expect(again?.id).toBe(delayed.id);

    // Redis holds only work: after losing the queue, a re-plan rebuilds the same deadline.
    await queueOf(cluster).obliterate({ force: true });
    hub.dispatcher.replanAll();
    await hub.dispatcher.idle();
    const rebuilt = await waitFor(
      'rebuilt rotation job',
      async () => (await queueOf(cluster).getJobs(['delayed']))[0],
    );
    expect(rebuilt.timestamp + (rebuilt.delay ?? 0)).toBe(fireAt);

    // An immediate job replaces the pending delayed one (a deleted Secret must not wait for the deadline).
    await rest.delete(secretPath(cluster, 'm1'));
    const immediate = await waitFor(
      'immediate job',
      async () => (await queueOf(cluster).getJobs(['waiting']))[0],
    );
    expect(immediate.data).toMatchObject({ name: 'm1', mintReason: 'SecretMissing' });
    expect(await queueOf(cluster).getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 0 });

    // Deleting the MSA enqueues the ServiceAccount deletion in place of the pending reconcile.
    await rest.delete(msaPath(cluster, 'm1'));
    const deletion = await waitFor('delete job', async () =>
      (await queueOf(cluster).getJobs(['waiting'])).find((j) => j.name === 'delete-service-account'),
    );
    expect(deletion.data).toMatchObject({ cluster, namespace: cluster, name: 'm1', uid: msa.metadata.uid });
    expect(await queueOf(cluster).getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 0 });
  });

  it('deletes an MSA ttlSecondsAfterCreation after its creation', async () => {
    const { name: cluster } = await newCluster('ttl');
    const created = Date.now();
    const msa = await createMsa(cluster, 'eph', { rotation: {}, ttlSecondsAfterCreation: 1 });
    const due = Date.parse(msa.metadata.creationTimestamp ?? '') + 1000;
    await waitFor('TTL deletion', async () =>
      (await rest.getOptional(msaPath(cluster, 'eph'))) === undefined ? true : undefined,
    );
    // creationTimestamp has whole seconds, so "1 s after creation" is measured from it.
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    expect(Date.now() - created).toBeLessThan(5000);
  });

  it('records a shortened lifetime in the annotations and an Event without the token', async () => {
    const { name: cluster, token: workerToken } = await newCluster('short');
    const msa = await createMsa(cluster, 'm1', { rotation: { validity: '168h' } });
    const jwt = fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1');
    const res = await post(
      `/v1/clusters/${cluster}/tokens`,
      workerToken,
      tokenReport(msa, jwt, 86400, 604800),
    );
    expect(res.statusCode).toBe(200);
    const secret = await rest.get<{ metadata: { annotations: Record<string, string> } }>(
      secretPath(cluster, 'm1'),
    );
    expect(secret.metadata.annotations['msa-queue.io/requested-expiration-seconds']).toBe('604800');
    expect(secret.metadata.annotations['msa-queue.io/granted-expiration-seconds']).toBe('86400');
    const events = await rest.get<{
      items: { reason: string; message: string; involvedObject: { uid: string } }[];
    }>(`/api/v1/namespaces/${cluster}/events`);
    const ev = events.items.find((e) => e.reason === 'TokenLifetimeShortened');
    expect(ev?.involvedObject.uid).toBe(msa.metadata.uid);
    expect(ev?.message).toContain('86400');
    expect(JSON.stringify(events)).not.toContain(jwt);
  });

  it('records a failure report as TokenReported=False without anything JWT-like, and writes nothing when repeated', async () => {
    const { name: cluster, token: workerToken } = await newCluster('fail');
    const msa = await createMsa(cluster, 'm1');
    const leaked = fakeJwt('system:serviceaccount:x:y');
    const body = {
      name: 'm1',
      uid: msa.metadata.uid,
      reason: 'TokenRequestRefused',
      message: `may not specify a duration less than 10 minutes (token ${leaked})`,
      retryable: false,
    };
    expect((await post(`/v1/clusters/${cluster}/failures`, workerToken, body)).json).toEqual({
      recorded: true,
    });
    const updated = await rest.get<ManagedServiceAccount>(msaPath(cluster, 'm1'));
    const cond = updated.status?.conditions?.find((c) => c.type === 'TokenReported');
    expect(cond).toMatchObject({ status: 'False', reason: 'TokenReportFailed' });
    expect(cond?.message).toContain('may not specify a duration less than 10 minutes');
    expect(cond?.message).not.toContain(leaked);
    expect(cond?.message).not.toMatch(/eyJ/);

    const before = writesIn(cluster);
    expect((await post(`/v1/clusters/${cluster}/failures`, workerToken, body)).statusCode).toBe(200);
    expect(writesIn(cluster)).toBe(before);
  });

  it('refuses forged tokens (401), another cluster’s worker (403) and malformed bodies (400), writing nothing', async () => {
    const a = await newCluster('auth-a');
    const b = await newCluster('auth-b');
    const msa = await createMsa(a.name, 'm1');
    const report = tokenReport(
      msa,
      fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1'),
      3600,
    );
    await new Promise((r) => setTimeout(r, 100));
    const before = allWrites();

    const forged = fakeJwt('system:serviceaccount:' + a.name + ':managed-serviceaccount-worker', {
      exp: 9_999_999_999,
    });
    const r401 = await post(`/v1/clusters/${a.name}/tokens`, forged, report);
    expect(r401.statusCode).toBe(401);
    expect(r401.json).toMatchObject({ code: 'MSA_ERR_UNAUTHENTICATED', statusCode: 401 });
    const none = await hub.app.inject({
      method: 'POST',
      url: `/v1/clusters/${a.name}/tokens`,
      payload: report,
    });
    expect(none.statusCode).toBe(401);

    const r403 = await post(`/v1/clusters/${a.name}/tokens`, b.token, report);
    expect(r403.statusCode).toBe(403);
    expect(r403.json).toMatchObject({ code: 'MSA_ERR_FORBIDDEN', statusCode: 403 });
    const hb403 = await post(`/v1/clusters/${a.name}/heartbeat`, b.token, {
      workerId: 'w',
      agentNamespace: 'x',
      version: '1',
    });
    expect(hb403.statusCode).toBe(403);

    for (const bad of ['{not json', { ...report, token: 42 }, { name: 'm1' }, { ...report, extra: true }]) {
      const r400 = await post(`/v1/clusters/${a.name}/tokens`, a.token, bad);
      expect(r400.statusCode).toBe(400);
      expect(r400.json).toMatchObject({ code: 'MSA_ERR_INVALID_REQUEST_BODY', statusCode: 400 });
      expect(typeof r400.json.message).toBe('string');
    }
    expect(allWrites()).toBe(before);
    expect(await rest.getOptional(secretPath(a.name, 'm1'))).toBeUndefined();
  });

  it('writes nothing for an unknown MSA (404) or a uid mismatch (409)', async () => {
    const { name: cluster, token } = await newCluster('uid');
    const msa = await createMsa(cluster, 'm1');
    await new Promise((r) => setTimeout(r, 100));
    const before = writesIn(cluster);
    const report = tokenReport(
      msa,
      fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1'),
      3600,
    );
    const r404 = await post(`/v1/clusters/${cluster}/tokens`, token, { ...report, name: 'ghost' });
    expect(r404.statusCode).toBe(404);
    expect(r404.json.code).toBe('MSA_ERR_MSA_NOT_FOUND');
    const r409 = await post(`/v1/clusters/${cluster}/tokens`, token, { ...report, uid: 'not-the-uid' });
    expect(r409.statusCode).toBe(409);
    expect(r409.json.code).toBe('MSA_ERR_MSA_UID_MISMATCH');
    const f409 = await post(`/v1/clusters/${cluster}/failures`, token, {
      name: 'm1',
      uid: 'not-the-uid',
      reason: 'x',
      message: 'y',
      retryable: true,
    });
    expect(f409.statusCode).toBe(409);
    expect(writesIn(cluster)).toBe(before);
  });

  it('sets ClusterNotFound on an MSA in a namespace with no ManagedCluster, and enqueues nothing', async () => {
    const ns = clusterName('nocluster');
    await rest.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createMsa(ns, 'm1');
    const cond = await waitFor('ClusterNotFound', async () => {
      const m = await rest.get<ManagedServiceAccount>(msaPath(ns, 'm1'));
      return m.status?.conditions?.find((c) => c.type === 'TokenReported');
    });
    expect(cond).toMatchObject({ status: 'False', reason: 'ClusterNotFound' });
    expect(cond.message).toContain(ns);
    expect(cond.message).toMatch(/no ManagedCluster/);
    await hub.dispatcher.idle();
    const counts = await new Queue(`{${ns}}`, {
      connection: { url: redisUrl },
      prefix: 'msa',
    }).getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    // Re-planning writes nothing more: the status is unchanged.
    const before = writesIn(ns);
    hub.dispatcher.replanAll();
    await hub.dispatcher.idle();
    expect(writesIn(ns)).toBe(before);
  });

  it('folds a burst of edits of one MSA into one pending job carrying the latest data', async () => {
    const { name: cluster } = await newCluster('burst');
    await createMsa(cluster, 'm1', { rotation: { validity: '1h' } });
    await waitFor('first job', async () => (await queueOf(cluster).getJobs(['waiting']))[0]);
    for (let i = 2; i <= 11; i += 1) {
      await rest.patch(msaPath(cluster, 'm1'), { spec: { rotation: { validity: `${i}h` } } });
    }
    await new Promise((r) => setTimeout(r, 200));
    await hub.dispatcher.idle();
    const counts = await queueOf(cluster).getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    expect(counts).toEqual({ waiting: 1, delayed: 0, active: 0, prioritized: 0 });
    const [job] = await queueOf(cluster).getJobs(['waiting']);
    expect(job?.data).toMatchObject({
      name: 'm1',
      expirationSeconds: 11 * 3600,
      mintReason: 'StatusMissing',
    });
  });

  it('stores heartbeats in a Lease and renews the worker credential', async () => {
    const { name: cluster, token } = await newCluster('cred');
    const hb = await post(`/v1/clusters/${cluster}/heartbeat`, token, {
      workerId: 'worker-1',
      agentNamespace: 'agents',
      version: '0.1.0',
    });
    expect(hb.statusCode).toBe(200);
    expect(typeof hb.json.serverTime).toBe('string');
    expect(typeof hb.json.credentialExpiresAt).toBe('string');
    const lease = await rest.get<{
      spec: { holderIdentity: string; renewTime: string };
      metadata: { annotations: Record<string, string> };
    }>(`/apis/coordination.k8s.io/v1/namespaces/${cluster}/leases/managed-serviceaccount-worker`);
    expect(lease.spec.holderIdentity).toBe('worker-1');
    expect(Date.now() - Date.parse(lease.spec.renewTime)).toBeLessThan(10_000);
    expect(lease.metadata.annotations['msa-queue.io/agent-namespace']).toBe('agents');
    expect(hub.health.agentNamespace(cluster)).toBe('agents');

    const renewed = await post(`/v1/clusters/${cluster}/credential`, token, { expirationSeconds: 7200 });
    expect(renewed.statusCode).toBe(200);
    const newToken = String(renewed.json.token);
    const exp = Date.parse(String(renewed.json.expirationTimestamp));
    expect(exp - Date.now()).toBeGreaterThan(7100_000);
    expect(exp - Date.now()).toBeLessThan(7300_000);
    // The renewed credential authenticates as the same worker.
    const list = await hub.app.inject({
      method: 'GET',
      url: `/v1/clusters/${cluster}/managedserviceaccounts`,
      headers: { authorization: `Bearer ${newToken}` },
    });
    expect(list.statusCode).toBe(200);
    // Capped at 24 h; an empty body means the 1 h default.
    const capped = await post(`/v1/clusters/${cluster}/credential`, token, { expirationSeconds: 10 * 86400 });
    expect(Date.parse(String(capped.json.expirationTimestamp)) - Date.now()).toBeLessThanOrEqual(
      86_400_000 + 5000,
    );
    const dflt = await hub.app.inject({
      method: 'POST',
      url: `/v1/clusters/${cluster}/credential`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(dflt.statusCode).toBe(200);
    expect(
      Date.parse(dflt.json<{ expirationTimestamp: string }>().expirationTimestamp) - Date.now(),
    ).toBeLessThanOrEqual(3600_000 + 5000);
  });

  it('dead-letters a terminally failed job and replays it', async () => {
    const { name: cluster } = await newCluster('dlq');
    await createMsa(cluster, 'm1');
    await waitFor('job', async () => (await queueOf(cluster).getJobs(['waiting']))[0]);
    const worker = new Worker(
      `{${cluster}}`,
      () => {
        throw new UnrecoverableError('TokenRequest API missing on the spoke');
      },
      { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: 'msa' },
    );
    worker.on('error', () => undefined);
    const basic = `Basic ${Buffer.from(`${OPS.user}:${OPS.pass}`).toString('base64')}`;
    type Dead = { id: string; cluster: string; failedReason: string; jobName: string };
    const dead = await waitFor('dead letter', async () => {
      const res = await hub.app.inject({
        method: 'GET',
        url: '/ops/dead-letters',
        headers: { authorization: basic },
      });
      return res.json<{ items: Dead[] }>().items.find((d) => d.cluster === cluster);
    });
    await worker.close();
    expect(dead.failedReason).toContain('TokenRequest API missing');
    expect(dead.jobName).toBe('reconcile');
    const denied = await hub.app.inject({ method: 'POST', url: `/ops/dead-letters/${dead.id}/replay` });
    expect(denied.statusCode).toBe(401);
    const replay = await hub.app.inject({
      method: 'POST',
      url: `/ops/dead-letters/${dead.id}/replay`,
      headers: { authorization: basic },
    });
    expect(replay.statusCode).toBe(200);
    const back = await waitFor('replayed job', async () => (await queueOf(cluster).getJobs(['waiting']))[0]);
    expect(back.data).toMatchObject({ name: 'm1', namespace: cluster });
    const after = await hub.app.inject({
      method: 'GET',
      url: '/ops/dead-letters',
      headers: { authorization: basic },
    });
    expect(after.json<{ items: Dead[] }>().items.some((d) => d.id === dead.id)).toBe(false);
  });
  it('keeps watching through dropped watches, watch errors and expired resourceVersions', async () => {
    const { name: cluster } = await newCluster('informer');
    const restartsBefore = (await hub.metrics.informerRestarts.get()).values
      .filter((v) => v.labels.informer === 'managedserviceaccounts')
      .reduce((a, v) => a + v.value, 0);
    sim.faults.failNext(2, 503, {
      verb: 'watch',
      pathPrefix: `/apis/${GROUP}/v1beta1/managedserviceaccounts`,
    });
    sim.dropWatches();
    await createMsa(cluster, 'after-drop');
    await waitFor('job after dropped watch', async () =>
      (await queueOf(cluster).getJobs(['waiting'])).find(
        (j) => (j.data as { name?: string }).name === 'after-drop',
      ),
    );
    const restartsAfter = (await hub.metrics.informerRestarts.get()).values
      .filter((v) => v.labels.informer === 'managedserviceaccounts')
      .reduce((a, v) => a + v.value, 0);
    expect(restartsAfter).toBeGreaterThan(restartsBefore);
    sim.faults.clear();

    // Every old resourceVersion becomes too old: the informer relists and carries on.
    sim.compact();
    sim.dropWatches();
    await createMsa(cluster, 'after-compact');
    await waitFor('job after 410', async () =>
      (await queueOf(cluster).getJobs(['waiting'])).find(
        (j) => (j.data as { name?: string }).name === 'after-compact',
      ),
    );
  });

  it('flips WorkerAvailable to False when heartbeats stop and back to True when they return, writing only on flips', async () => {
    const validated = validateConfig(HubConfigSchema, {
      kubeconfig: join(dir, 'hub.kubeconfig'),
      redisUrl,
      listenHost: '127.0.0.1',
      listenPort: 0,
      tlsCertFile: join(dir, 'tls.crt'),
      tlsKeyFile: join(dir, 'tls.key'),
      heartbeatTimeoutSeconds: 1,
      logLevel: 'silent',
    });
    if (!validated.ok) throw new Error(validated.problems.join('\n'));
    const second = await startHub(validated.value, {
      logger: createLogger({ name: 'hub-test-2', level: 'silent' }),
      planDelayMs: 20,
      healthCheckMs: 100,
    });
    try {
      const { name: cluster, token } = await newCluster('health');
      const msa = await createMsa(cluster, 'm1');
      const jwt = fakeJwt('system:serviceaccount:open-cluster-management-agent-addon:m1');
      const report = await second.app.inject({
        method: 'POST',
        url: `/v1/clusters/${cluster}/tokens`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(tokenReport(msa, jwt, 86400)),
      });
      expect(report.statusCode).toBe(200);
      const heartbeat = (): Promise<{ statusCode: number }> =>
        second.app.inject({
          method: 'POST',
          url: `/v1/clusters/${cluster}/heartbeat`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({
            workerId: 'w1',
            agentNamespace: 'open-cluster-management-agent-addon',
            version: '1',
          }),
        });
      expect((await heartbeat()).statusCode).toBe(200);
      const workerCondition = async (): Promise<
        { status: string; reason: string; message: string } | undefined
      > =>
        (await rest.get<ManagedServiceAccount>(msaPath(cluster, 'm1'))).status?.conditions?.find(
          (c) => c.type === 'WorkerAvailable',
        );
      expect(await workerCondition()).toMatchObject({ status: 'True' });
      const missed = await waitFor('WorkerHeartbeatMissed', async () => {
        const c = await workerCondition();
        return c?.status === 'False' ? c : undefined;
      });
      expect(missed.reason).toBe('WorkerHeartbeatMissed');
      expect(missed.message).toMatch(/since \d{4}-\d{2}-\d{2}T/);
      // Still silent: further checks write nothing.
      const before = writesIn(cluster);
      await new Promise((r) => setTimeout(r, 400));
      expect(writesIn(cluster)).toBe(before);
      expect((await heartbeat()).statusCode).toBe(200);
      const back = await waitFor('WorkerHeartbeatReceived', async () => {
        const c = await workerCondition();
        return c?.status === 'True' ? c : undefined;
      });
      expect(back.reason).toBe('WorkerHeartbeatReceived');
    } finally {
      await second.close();
    }
  });
});
