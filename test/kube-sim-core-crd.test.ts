import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson } from './support/sim-http.js';
import { rejectionOf, startSim, statusBodyOf, statusOf, type SimHandle } from './support/sim.js';

// CustomResourceDefinition lifecycle (apiextensions-apiserver): served at once, conditions,
// cluster scope, several versions, printer columns, deletion that removes the custom resources.

let sim: SimHandle;
let custom: k8s.CustomObjectsApi;

const WIDGETS = { group: 'example.com', plural: 'widgets' };
const widgetSchema = {
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          size: { type: 'integer', default: 1 },
          color: { type: 'string', enum: ['red', 'blue'] },
        },
      },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
  },
};
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v2',
        served: true,
        storage: true,
        schema: widgetSchema,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        ],
      },
      { name: 'v1', served: true, storage: false, schema: widgetSchema, subresources: { status: {} } },
    ],
  },
};

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sim = await startSim({ name: 'crds' });
  custom = sim.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
});

afterAll(async () => {
  await sim?.close();
});

describe('CRD lifecycle', () => {
  it('serves the resource right after the create, then reports NamesAccepted and Established', async () => {
    expect(
      (await fetchJson(sim, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status,
    ).toBe(201);
    const created = (await custom.createClusterCustomObject({
      ...WIDGETS,
      version: 'v2',
      body: {
        apiVersion: 'example.com/v2',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { color: 'red' },
      },
    })) as { metadata: { namespace?: string }; spec: { size: number } };
    expect(created.metadata.namespace).toBeUndefined();
    expect(created.spec.size).toBe(1);
    const status = await until(
      async () =>
        (
          (
            await fetchJson(
              sim,
              'GET',
              '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
            )
          ).json as { status?: { conditions?: Array<{ type: string; status: string }> } }
        ).status,
      (s) => (s?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
    );
    expect(status?.conditions?.map((c) => c.type)).toEqual(['NamesAccepted', 'Established']);
  });

  it('lists in discovery with short names and the status subresource', async () => {
    const res = await fetchJson(sim, 'GET', '/apis/example.com/v2');
    expect(res.json).toMatchObject({
      groupVersion: 'example.com/v2',
      resources: [
        { name: 'widgets', singularName: 'widget', namespaced: false, kind: 'Widget', shortNames: ['wd'] },
        { name: 'widgets/status', kind: 'Widget' },
      ],
    });
    const group = (await fetchJson(sim, 'GET', '/apis/example.com')).json as {
      preferredVersion: { version: string };
    };
    expect(group.preferredVersion.version).toBe('v2');
  });

  it('validates enums with Unsupported value and prints additionalPrinterColumns in Tables', async () => {
    const err = await rejectionOf(
      custom.createClusterCustomObject({
        ...WIDGETS,
        version: 'v1',
        body: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w2' },
          spec: { color: 'green' },
        },
      }),
    );
    expect(statusBodyOf(err)).toMatchObject({
      code: 422,
      message:
        'Widget.example.com "w2" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue"',
    });
    await custom.patchClusterCustomObjectStatus(
      { ...WIDGETS, version: 'v2', name: 'w1', body: { status: { phase: 'Ready' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const table = (
      await fetchJson(sim, 'GET', '/apis/example.com/v2/widgets', undefined, {
        Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      })
    ).json as {
      columnDefinitions: Array<{ name: string; type: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Size', 'integer'],
      ['Phase', 'string'],
    ]);
    expect(table.rows[0]?.cells).toEqual(['w1', 1, 'Ready']);
  });

  it('on deletion refuses new objects, deletes the existing ones, then goes away', async () => {
    await custom.patchClusterCustomObject(
      { ...WIDGETS, version: 'v2', name: 'w1', body: { metadata: { finalizers: ['example.com/hold'] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(
      (
        await fetchJson(
          sim,
          'DELETE',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
        )
      ).status,
    ).toBe(200);
    await until(
      () => sim.cluster.get('example.com/v2', 'Widget', undefined, 'w1'),
      (w) => w?.metadata.deletionTimestamp !== undefined,
    );
    const refused = await rejectionOf(
      custom.createClusterCustomObject({
        ...WIDGETS,
        version: 'v2',
        body: { apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'late' } },
      }),
    );
    expect(statusOf(refused)).toBe(405);
    await custom.patchClusterCustomObject(
      { ...WIDGETS, version: 'v2', name: 'w1', body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      async () => (await fetchJson(sim, 'GET', '/apis/example.com/v2')).status,
      (s) => s === 404,
    );
    expect(
      sim.cluster.get(
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        undefined,
        'widgets.example.com',
      ),
    ).toBeUndefined();
  });
});
