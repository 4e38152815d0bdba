import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson } from './support/sim-http.js';
import { rejectionOf, startSim, statusBodyOf, statusOf, type SimHandle } from './support/sim.js';

// Watch, informers, faults, counters and the HTTP surface (discovery, OpenAPI, tables) of
// kube-sim through @kubernetes/client-node 1.4 and raw HTTPS.

let sim: SimHandle;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

interface Event {
  type: string;
  object: {
    kind?: string;
    apiVersion?: string;
    code?: number;
    reason?: string;
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run a client-node watch and collect its events until `done` or abort. */
async function collect(
  path: string,
  query: Record<string, string | number | boolean>,
): Promise<{ events: Event[]; ended: Promise<unknown>; stop: () => void }> {
  const events: Event[] = [];
  let finish: (e: unknown) => void = () => undefined;
  const ended = new Promise((r) => (finish = r));
  const ctl = await new k8s.Watch(kc).watch(
    path,
    query,
    (type, object) => events.push({ type, object: object as Event['object'] }),
    (err) => finish(err ?? 'done'),
  );
  return { events, ended, stop: () => ctl.abort() };
}

beforeAll(async () => {
  sim = await startSim({ name: 'watching', eventWindow: 20, bookmarkIntervalMs: 100 });
  kc = sim.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'w' } } });
});

afterAll(async () => {
  await sim?.close();
});

describe('watch (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go)', () => {
  it('streams ADDED/MODIFIED/DELETED with full objects from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'w' });
    const w = await collect('/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata?.resourceVersion ?? '',
    });
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'a' } } });
    await core.patchNamespacedConfigMap(
      { name: 'a', namespace: 'w', body: { data: { x: '1' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'w' });
    await until(
      () => w.events.length,
      (n) => n >= 3,
    );
    w.stop();
    expect(
      w.events.map((e) => [e.type, e.object.kind, e.object.apiVersion, e.object.metadata?.name]),
    ).toEqual([
      ['ADDED', 'ConfigMap', 'v1', 'a'],
      ['MODIFIED', 'ConfigMap', 'v1', 'a'],
      ['DELETED', 'ConfigMap', 'v1', 'a'],
    ]);
  });

  it('answers a too-old resourceVersion with HTTP 200 and an ERROR event carrying 410 Expired; a list with it and resourceVersionMatch=Exact is HTTP 410', async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: 'w' })).metadata?.resourceVersion ?? '';
    for (let i = 0; i < 25; i++)
      await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: `bulk-${i}` } } });
    const w = await collect('/api/v1/namespaces/w/configmaps', { resourceVersion: old });
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    const res = await fetchJson(
      sim,
      'GET',
      `/api/v1/namespaces/w/configmaps?resourceVersion=${old}&resourceVersionMatch=Exact`,
    );
    expect(res.status).toBe(410);
    expect(res.json).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('with sendInitialEvents=true sends the current state then a BOOKMARK annotated k8s.io/initial-events-end (KEP-3157)', async () => {
    const w = await collect('/api/v1/namespaces/w/configmaps', {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
      labelSelector: 'pick=me',
    });
    await core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'picked', labels: { pick: 'me' } } },
    });
    await until(
      () => w.events.filter((e) => e.type === 'ADDED').length,
      (n) => n >= 1,
    );
    w.stop();
    const first = w.events.findIndex((e) => e.type === 'BOOKMARK');
    expect(w.events[first]?.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(w.events.slice(first + 1).find((e) => e.type === 'ADDED')?.object.metadata?.name).toBe('picked');
    const bad = await fetchJson(
      sim,
      'GET',
      '/api/v1/namespaces/w/configmaps?watch=true&sendInitialEvents=true',
    );
    expect(bad.status).toBe(422);
  });

  it('supports the legacy /watch/ path and timeoutSeconds', async () => {
    const started = Date.now();
    const res = await fetchJson(
      sim,
      'GET',
      '/api/v1/watch/namespaces/w/configmaps?labelSelector=none%3Dx&timeoutSeconds=1',
    );
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('informers (client-node cache.ts ListWatch)', () => {
  it('lists, watches, and relists after a forced 410', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/w/secrets', () =>
      core.listNamespacedSecret({ namespace: 'w' }),
    );
    const added: string[] = [];
    let connects = 0;
    informer.on('add', (o) => added.push(o.metadata?.name ?? ''));
    informer.on('connect', () => (connects += 1));
    await core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name: 'before' } } });
    await informer.start();
    await core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name: 'live' } } });
    await until(
      () => added.length,
      (n) => n >= 2,
    );
    // Drop the watch and hold the reconnect back while a change happens and the event window is
    // compacted: the informer's resourceVersion is then too old, the watch gets 410, it relists.
    const hold = sim.cluster.faults.addLatency(300, { verb: 'watch' });
    sim.cluster.counters.reset();
    expect(sim.cluster.dropWatches()).toBe(1);
    await core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name: 'missed' } } });
    sim.cluster.compact();
    sim.cluster.faults.clear(hold);
    await until(
      () => added,
      (a) => a.includes('missed'),
    );
    await until(
      () => sim.cluster.counters.count({ verb: 'list', resource: 'secrets' }),
      (n) => n >= 1,
    );
    expect(connects).toBeGreaterThanOrEqual(1);
    await informer.stop();
    expect(added.sort()).toEqual(['before', 'live', 'missed']);
  });
});

describe('faults and counters (kube-sim admin surface, docs/kube-sim.md)', () => {
  it('answers N requests with 429 + Retry-After, then recovers', async () => {
    sim.cluster.faults.throttleNext(1, 7, { pathPrefix: '/api/v1/namespaces/w/serviceaccounts' });
    const res = await fetchJson(sim, 'GET', '/api/v1/namespaces/w/serviceaccounts');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });
    expect((await fetchJson(sim, 'GET', '/api/v1/namespaces/w/serviceaccounts')).status).toBe(200);
  });

  it('injects 5xx through the admin route, which requires the admin token', async () => {
    expect(
      (
        await fetchJson(
          sim,
          'POST',
          '/__sim/faults',
          { kind: 'error', count: 2, status: 503, verb: 'get' },
          {},
          'wrong',
        )
      ).status,
    ).toBe(401);
    expect(
      (await fetchJson(sim, 'POST', '/__sim/faults', { kind: 'error', count: 2, status: 503, verb: 'get' }))
        .status,
    ).toBe(201);
    const err = await rejectionOf(core.readNamespace({ name: 'w' }));
    expect(statusOf(err)).toBe(503);
    expect(statusBodyOf(err)).toMatchObject({ reason: 'ServiceUnavailable' });
    await rejectionOf(core.readNamespace({ name: 'w' }));
    await core.readNamespace({ name: 'w' });
  });

  it('adds latency per verb and counts requests per path and verb', async () => {
    sim.cluster.counters.reset();
    const id = sim.cluster.faults.addLatency(150, { verb: 'list' });
    const t0 = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'w' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    sim.cluster.faults.clear(id);
    expect(sim.cluster.counters.count({ verb: 'list', resource: 'configmaps' })).toBe(1);
    const counters = await fetchJson(sim, 'GET', '/__sim/counters?verb=list');
    expect(counters.json).toMatchObject({ count: 1 });
  });

  it('rejects a bad bearer token with 401 Unauthorized (authentication filter)', async () => {
    const res = await fetchJson(sim, 'GET', '/api/v1/namespaces', undefined, {}, 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('discovery, OpenAPI and tables', () => {
  it('lists subresources as separate discovery entries (serviceaccounts/token, namespaces/status)', async () => {
    const res = await fetchJson(sim, 'GET', '/api/v1');
    const resources = (
      res.json as { resources: Array<{ name: string; kind: string; group?: string; verbs: string[] }> }
    ).resources;
    expect(resources.find((r) => r.name === 'serviceaccounts/token')).toMatchObject({
      kind: 'TokenRequest',
      group: 'authentication.k8s.io',
      verbs: ['create'],
    });
    expect(resources.find((r) => r.name === 'namespaces/status')).toMatchObject({ kind: 'Namespace' });
    const version = await fetchJson(sim, 'GET', '/version');
    expect((version.json as { gitVersion: string }).gitVersion).toMatch(/^v1\.35\./);
  });

  it('serves aggregated discovery v2 when asked (apidiscovery.k8s.io/v2)', async () => {
    const res = await fetchJson(sim, 'GET', '/apis', undefined, {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(res.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(
      (res.json as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name),
    ).toContain('coordination.k8s.io');
  });

  it('publishes /openapi/v3 documents with x-kubernetes-group-version-kind and the fieldValidation parameter', async () => {
    const index = (await fetchJson(sim, 'GET', '/openapi/v3')).json as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const url = index.paths['api/v1']?.serverRelativeURL ?? '';
    const doc = (await fetchJson(sim, 'GET', url)).json as {
      components: { schemas: Record<string, Record<string, unknown>> };
      paths: Record<string, { patch?: { parameters: Array<{ name: string }> } }>;
    };
    expect(doc.components.schemas['io.k8s.api.core.v1.Secret']?.['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Secret', version: 'v1' },
    ]);
    expect(
      doc.paths['/api/v1/namespaces/{namespace}/secrets/{name}']?.patch?.parameters.map((p) => p.name),
    ).toContain('fieldValidation');
  });

  it('converts lists to meta.k8s.io Tables with kind-specific columns (pkg/printers/internalversion)', async () => {
    await core.createNamespacedSecret({
      namespace: 'w',
      body: { metadata: { name: 'tbl' }, stringData: { a: 'b', c: 'd' } },
    });
    const res = await fetchJson(
      sim,
      'GET',
      '/api/v1/namespaces/w/secrets?fieldSelector=metadata.name%3Dtbl',
      undefined,
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    );
    const table = res.json as {
      kind: string;
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual(['tbl', 'Opaque', 2]);
  });

  it('rejects unknown fields with fieldValidation=Strict (400 strict decoding error) and warns with Warn', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, bogus: 1 };
    const strict = await fetchJson(
      sim,
      'POST',
      '/api/v1/namespaces/w/configmaps?fieldValidation=Strict',
      body,
    );
    expect(strict.status).toBe(400);
    expect((strict.json as { message: string }).message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"',
    );
    const warn = await fetchJson(sim, 'POST', '/api/v1/namespaces/w/configmaps?fieldValidation=Warn', body);
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toContain('unknown field \\"bogus\\"');
  });
});
