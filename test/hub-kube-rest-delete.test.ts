import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApiError, KubeRest, createKubeConfig } from '@msa/hub-dispatcher';
import { startCluster, type SimCluster } from '@msa/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Regression: the hub's REST client once sent DELETE bodies without Content-Length, so Node
// framed no body and the API server never saw DeleteOptions (the TTL deletion's uid
// precondition was dropped and the request failed with 400).

let sim: SimCluster;
let rest: KubeRest;
let dir: string;
const path = (name: string): string => `/api/v1/namespaces/default/configmaps/${name}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-rest-delete-'));
  sim = await startCluster({ name: 'kube-rest-delete' });
  const kubeconfig = join(dir, 'sim.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  rest = new KubeRest(createKubeConfig({ kubeconfigPath: kubeconfig }));
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('KubeRest DELETE with DeleteOptions', () => {
  it('sends the body: a uid precondition that does not match gets 409 and leaves the object', async () => {
    const created = await rest.create<{ metadata: { uid: string } }>(
      '/api/v1/namespaces/default/configmaps',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'guarded' },
        data: { a: '1' },
      },
    );
    const wrongUid = '00000000-0000-0000-0000-000000000000';
    expect(created.metadata.uid).not.toBe(wrongUid);
    const failure = await rest
      .delete(path('guarded'), {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { uid: wrongUid },
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).statusCode).toBe(409);
    expect(sim.get('v1', 'ConfigMap', 'default', 'guarded')).toBeDefined();

    await rest.delete(path('guarded'), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: created.metadata.uid },
    });
    expect(sim.get('v1', 'ConfigMap', 'default', 'guarded')).toBeUndefined();
  });
});
