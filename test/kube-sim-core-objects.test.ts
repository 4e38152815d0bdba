import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msaCrd } from '../packages/common/src/index.js';
import { fetchJson } from './support/sim-http.js';
import { rejectionOf, startSim, statusBodyOf, statusOf, type SimHandle } from './support/sim.js';

// Object semantics of kube-sim driven through the real @kubernetes/client-node 1.4. Each test
// names the kube-apiserver behaviour (and its source) it encodes.

let sim: SimHandle;
let core: k8s.CoreV1Api;
let custom: k8s.CustomObjectsApi;
let kc: k8s.KubeConfig;

const MSA = {
  group: 'authentication.open-cluster-management.io',
  version: 'v1beta1',
  plural: 'managedserviceaccounts',
};

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sim = await startSim({ name: 'objects', eventWindow: 50, bookmarkIntervalMs: 200 });
  kc = sim.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  // Not through ApiextensionsV1Api: client-node's model serializer drops JSONSchemaProps.default.
  const res = await fetchJson(sim, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', msaCrd);
  expect(res.status).toBe(201);
  await core.createNamespace({ body: { metadata: { name: 'cluster1' } } });
});

afterAll(async () => {
  await sim?.close();
});

describe('built-in bootstrap state', () => {
  it('has the system namespaces, SA default and kube-root-ca.crt with the cluster CA (pkg/controller/certificates/rootcacertpublisher)', async () => {
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'cluster1']),
    );
    const cm = await until(
      () => sim.cluster.get('v1', 'ConfigMap', 'cluster1', 'kube-root-ca.crt'),
      (v) => v !== undefined,
    );
    expect(cm?.data).toEqual({ 'ca.crt': sim.cluster.caPem });
    expect(sim.cluster.get('v1', 'ServiceAccount', 'cluster1', 'default')).toBeDefined();
  });
});

describe('generic registry store (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go)', () => {
  it('creates with uid, creationTimestamp, resourceVersion and generateName; a second create is 409 AlreadyExists', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'cluster1',
      body: { metadata: { name: 'c1' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.managedFields?.[0]?.manager).toBeTruthy();
    const err = await rejectionOf(
      core.createNamespacedConfigMap({ namespace: 'cluster1', body: { metadata: { name: 'c1' } } }),
    );
    expect(statusOf(err)).toBe(409);
    expect(statusBodyOf(err)).toMatchObject({
      reason: 'AlreadyExists',
      message: 'configmaps "c1" already exists',
      details: { name: 'c1', kind: 'configmaps' },
    });
    const generated = await core.createNamespacedConfigMap({
      namespace: 'cluster1',
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(generated.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('rejects a stale resourceVersion with the exact Conflict text', async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'c1', namespace: 'cluster1' });
    await core.replaceNamespacedConfigMap({
      name: 'c1',
      namespace: 'cluster1',
      body: { ...cm, data: { a: '2' } },
    });
    const err = await rejectionOf(
      core.replaceNamespacedConfigMap({
        name: 'c1',
        namespace: 'cluster1',
        body: { ...cm, data: { a: '3' } },
      }),
    );
    expect(statusOf(err)).toBe(409);
    expect(statusBodyOf(err)).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('answers 404 NotFound naming the group-qualified resource (apimachinery/pkg/api/errors NewNotFound)', async () => {
    const err = await rejectionOf(core.readNamespacedServiceAccount({ name: 'nope', namespace: 'cluster1' }));
    expect(statusBodyOf(err)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'serviceaccounts "nope" not found',
    });
    const err2 = await rejectionOf(
      custom.getNamespacedCustomObject({ ...MSA, namespace: 'cluster1', name: 'x' }),
    );
    expect(statusBodyOf(err2)).toMatchObject({
      message: 'managedserviceaccounts.authentication.open-cluster-management.io "x" not found',
    });
  });

  it('marks objects with finalizers instead of deleting; removing the last finalizer deletes (registry/store.go updateForGracefulDeletionAndFinalizers)', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'cluster1',
      body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'fin', namespace: 'cluster1' });
    const marked = await core.readNamespacedConfigMap({ name: 'fin', namespace: 'cluster1' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await core.patchNamespacedConfigMap(
      { name: 'fin', namespace: 'cluster1', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    const err = await rejectionOf(core.readNamespacedConfigMap({ name: 'fin', namespace: 'cluster1' }));
    expect(statusOf(err)).toBe(404);
  });

  it('merges Secret stringData into data and keeps type immutable (pkg/registry/core/secret/strategy.go)', async () => {
    const s = await core.createNamespacedSecret({
      namespace: 'cluster1',
      body: { metadata: { name: 's1' }, stringData: { token: 'abc' } },
    });
    expect(s.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(s.type).toBe('Opaque');
    expect((s as { stringData?: unknown }).stringData).toBeUndefined();
    const err = await rejectionOf(
      core.replaceNamespacedSecret({
        name: 's1',
        namespace: 'cluster1',
        body: { ...s, type: 'kubernetes.io/tls' },
      }),
    );
    expect(statusOf(err)).toBe(422);
    const bad = await rejectionOf(
      core.createNamespacedSecret({
        namespace: 'cluster1',
        body: { metadata: { name: 's2' }, data: { a: '%%%' } },
      }),
    );
    expect(statusOf(bad)).toBe(422);
  });
});

describe('selectors and pagination (apimachinery/pkg/labels/selector.go, storage ListOptions)', () => {
  beforeAll(async () => {
    for (const [name, labels] of [
      ['l1', { app: 'a', tier: 'web' }],
      ['l2', { app: 'b', tier: 'web' }],
      ['l3', { app: 'c' }],
    ] as const) {
      await core.createNamespacedConfigMap({ namespace: 'cluster1', body: { metadata: { name, labels } } });
    }
  });

  it.each([
    ['app=a', ['l1']],
    ['app==a', ['l1']],
    ['app!=a,tier', ['l2']],
    ['app in (a,c)', ['l1', 'l3']],
    ['app notin (a),app', ['l2', 'l3']],
    ['!tier,app', ['l3']],
  ])('labelSelector %s', async (selector, expected) => {
    const list = await core.listNamespacedConfigMap({ namespace: 'cluster1', labelSelector: selector });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(expected);
  });

  it('supports metadata.name field selectors and type for secrets', async () => {
    const list = await core.listNamespacedConfigMap({
      namespace: 'cluster1',
      fieldSelector: 'metadata.name=l2',
    });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['l2']);
    const secrets = await core.listSecretForAllNamespaces({ fieldSelector: 'type=Opaque' });
    expect(secrets.items.map((i) => i.metadata?.name)).toEqual(['s1']);
    const err = await rejectionOf(
      core.listNamespacedConfigMap({ namespace: 'cluster1', fieldSelector: 'data.x=1' }),
    );
    expect(statusOf(err)).toBe(400);
  });

  it('pages with limit/continue and reports remainingItemCount', async () => {
    const first = await core.listNamespacedConfigMap({
      namespace: 'cluster1',
      labelSelector: 'app',
      limit: 2,
    });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['l1', 'l2']);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const second = await core.listNamespacedConfigMap({
      namespace: 'cluster1',
      labelSelector: 'app',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['l3']);
    expect(second.metadata?._continue).toBeUndefined();
  });
});

describe('custom resources (apiextensions-apiserver/pkg/registry/customresource)', () => {
  it('defaults on create, ignores status on the main resource, bumps generation on spec changes only', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...MSA,
      namespace: 'cluster1',
      body: {
        apiVersion: 'authentication.open-cluster-management.io/v1beta1',
        kind: 'ManagedServiceAccount',
        metadata: { name: 'm1' },
        spec: { rotation: {} },
        status: { expirationTimestamp: '2030-01-01T00:00:00Z' },
      },
    })) as { metadata: { generation: number; resourceVersion: string }; spec: unknown; status?: unknown };
    expect(created.spec).toEqual({ rotation: { enabled: true, validity: '8640h0m0s' } });
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      {
        ...MSA,
        namespace: 'cluster1',
        name: 'm1',
        body: {
          status: { expirationTimestamp: '2030-01-01T00:00:00Z' },
          spec: { rotation: { validity: '1h' } },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as { metadata: { generation: number }; spec: { rotation: { validity: string } }; status: unknown };
    expect(withStatus.status).toEqual({ expirationTimestamp: '2030-01-01T00:00:00Z' });
    expect(withStatus.spec.rotation.validity).toBe('8640h0m0s');
    expect(withStatus.metadata.generation).toBe(1);
    const changed = (await custom.patchNamespacedCustomObject(
      {
        ...MSA,
        namespace: 'cluster1',
        name: 'm1',
        body: { metadata: { labels: { x: 'y' } }, spec: { rotation: { validity: '2h' } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as { metadata: { generation: number } };
    expect(changed.metadata.generation).toBe(2);
  });

  it('serves v1alpha1 by rewriting apiVersion (conversion None) and prunes unknown fields', async () => {
    const alpha = (await custom.getNamespacedCustomObject({
      ...MSA,
      version: 'v1alpha1',
      namespace: 'cluster1',
      name: 'm1',
    })) as { apiVersion: string };
    expect(alpha.apiVersion).toBe('authentication.open-cluster-management.io/v1alpha1');
    const pruned = (await custom.createNamespacedCustomObject({
      ...MSA,
      namespace: 'cluster1',
      body: {
        apiVersion: 'authentication.open-cluster-management.io/v1beta1',
        kind: 'ManagedServiceAccount',
        metadata: { name: 'm2' },
        spec: { rotation: {}, bogus: 1 },
      },
    })) as { spec: Record<string, unknown> };
    expect(pruned.spec.bogus).toBeUndefined();
  });

  it('validates against the structural schema: 422 Invalid with Required value causes', async () => {
    const err = await rejectionOf(
      custom.createNamespacedCustomObject({
        ...MSA,
        namespace: 'cluster1',
        body: {
          apiVersion: 'authentication.open-cluster-management.io/v1beta1',
          kind: 'ManagedServiceAccount',
          metadata: { name: 'm3' },
          spec: {},
        },
      }),
    );
    expect(statusBodyOf(err)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'ManagedServiceAccount.authentication.open-cluster-management.io "m3" is invalid: spec.rotation: Required value',
      details: {
        causes: [{ reason: 'FieldValueRequired', field: 'spec.rotation', message: 'Required value' }],
      },
    });
  });

  it('refuses strategic merge patch on custom resources with 415 (handlers/patch.go)', async () => {
    const err = await rejectionOf(
      custom.patchNamespacedCustomObject(
        { ...MSA, namespace: 'cluster1', name: 'm1', body: { spec: {} } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(statusOf(err)).toBe(415);
  });
});

describe('namespace lifecycle and garbage collection', () => {
  it('collects dependents whose owners are all gone (pkg/controller/garbagecollector)', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: 'cluster1',
      body: { metadata: { name: 'owner' } },
    });
    await core.createNamespacedSecret({
      namespace: 'cluster1',
      body: {
        metadata: {
          name: 'dep',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'cluster1' });
    await until(
      () => sim.cluster.get('v1', 'Secret', 'cluster1', 'dep'),
      (v) => v === undefined,
    );
  });

  it('terminates a namespace: 403 on create inside it, contents deleted, then the namespace (NamespaceLifecycle admission)', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    await core.deleteNamespace({ name: 'doomed' });
    const ns = await core.readNamespace({ name: 'doomed' });
    expect(ns.status?.phase).toBe('Terminating');
    const err = await rejectionOf(
      core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }),
    );
    expect(statusBodyOf(err)).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    });
    await until(
      () => sim.cluster.get('v1', 'ServiceAccount', 'doomed', 'default'),
      (v) => v === undefined,
    );
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace: 'doomed', body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      () => sim.cluster.get('v1', 'Namespace', undefined, 'doomed'),
      (v) => v === undefined,
    );
  });
});

describe('server-side apply (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager)', () => {
  const apply = (manager: string, data: Record<string, string>, force = false): Promise<k8s.V1ConfigMap> =>
    core.patchNamespacedConfigMap(
      {
        name: 'ssa',
        namespace: 'cluster1',
        fieldManager: manager,
        force,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );

  it('tracks owners, 409s on another manager’s field unless forced, and removes fields an applier stops sending', async () => {
    const first = await apply('a', { x: '1', y: '1' });
    expect(first.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['a', 'Apply']]);
    const err = await rejectionOf(apply('b', { x: '2' }));
    expect(statusBodyOf(err)).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "a" using v1: .data.x',
    });
    const forced = await apply('b', { x: '2' }, true);
    expect(forced.data).toEqual({ x: '2', y: '1' });
    const dropped = await apply('a', { y: '1' });
    expect(dropped.data).toEqual({ x: '2', y: '1' });
    const removed = await apply('a', {});
    expect(removed.data).toEqual({ x: '2' });
  });
});

describe('create on update (the strategies’ AllowCreateOnUpdate)', () => {
  it('creates a Lease with PUT (coordination/lease strategy) but refuses a ConfigMap (404)', async () => {
    const coord = kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coord.replaceNamespacedLease({
      name: 'l1',
      namespace: 'cluster1',
      body: { metadata: { name: 'l1' }, spec: { holderIdentity: 'me' } },
    });
    expect(lease.metadata?.uid).toBeTruthy();
    const err = await rejectionOf(
      core.replaceNamespacedConfigMap({
        name: 'absent',
        namespace: 'cluster1',
        body: { metadata: { name: 'absent' } },
      }),
    );
    expect(statusOf(err)).toBe(404);
  });
});

describe('deletion propagation (metav1.DeletionPropagation, pkg/controller/garbagecollector)', () => {
  async function ownerWithDependent(name: string): Promise<string> {
    const owner = await core.createNamespacedConfigMap({
      namespace: 'cluster1',
      body: { metadata: { name } },
    });
    const uid = owner.metadata?.uid ?? '';
    await core.createNamespacedSecret({
      namespace: 'cluster1',
      body: {
        metadata: {
          name: `${name}-dep`,
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name, uid }],
        },
      },
    });
    return uid;
  }

  it('Orphan removes the owner reference and keeps the dependent', async () => {
    await ownerWithDependent('orph');
    await core.deleteNamespacedConfigMap({
      name: 'orph',
      namespace: 'cluster1',
      propagationPolicy: 'Orphan',
    });
    await until(
      () => sim.cluster.get('v1', 'ConfigMap', 'cluster1', 'orph'),
      (v) => v === undefined,
    );
    const dep = sim.cluster.get('v1', 'Secret', 'cluster1', 'orph-dep');
    expect(dep?.metadata.ownerReferences).toBeUndefined();
  });

  it('Foreground deletes dependents first, the owner carrying foregroundDeletion meanwhile', async () => {
    await ownerWithDependent('fg');
    await core.patchNamespacedSecret(
      { name: 'fg-dep', namespace: 'cluster1', body: { metadata: { finalizers: ['example.com/hold'] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({
      name: 'fg',
      namespace: 'cluster1',
      propagationPolicy: 'Foreground',
    });
    const owner = await until(
      () => sim.cluster.get('v1', 'ConfigMap', 'cluster1', 'fg'),
      (v) => v?.metadata.deletionTimestamp !== undefined,
    );
    expect(owner?.metadata.finalizers).toEqual(['foregroundDeletion']);
    await until(
      () => sim.cluster.get('v1', 'Secret', 'cluster1', 'fg-dep'),
      (v) => v?.metadata.deletionTimestamp !== undefined,
    );
    expect(sim.cluster.get('v1', 'ConfigMap', 'cluster1', 'fg')).toBeDefined();
    await core.patchNamespacedSecret(
      { name: 'fg-dep', namespace: 'cluster1', body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      () => sim.cluster.get('v1', 'ConfigMap', 'cluster1', 'fg'),
      (v) => v === undefined,
    );
  });
});
