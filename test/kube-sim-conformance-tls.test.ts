import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import { inspect } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl, writeKubeconfig, type KubectlResult } from './support/kubectl.js';
import { rejectionOf, startSim, type SimHandle } from './support/sim.js';

// HTTPS of kube-sim as clients see it: the kubeconfig's CA verifies the serving certificate in
// Node (client-node) and Go (kubectl), without any skip-verify switch; each cluster has its own CA
// and publishes it as the kube-root-ca.crt ConfigMap in every namespace, like a real cluster
// (pkg/controller/certificates/rootcacertpublisher).

function ok(result: KubectlResult): string {
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

describe('kube-sim TLS and cluster CA', () => {
  let a: SimHandle;
  let b: SimHandle;

  beforeAll(async () => {
    [a, b] = await Promise.all([startSim({ name: 'tls-a' }), startSim({ name: 'tls-b' })]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('serves a certificate with IP 127.0.0.1 and DNS localhost SANs, issued by a CA:true certificate', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: a.cluster.port, ca: a.cluster.caPem });
    await once(socket, 'secureConnect');
    expect(socket.authorized).toBe(true);
    const leaf = new X509Certificate(socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0));
    socket.destroy();
    const ca = new X509Certificate(a.cluster.caPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.subjectAltName).toContain('DNS:localhost');
  });

  it('client-node verifies TLS against the kubeconfig CA (skipTLSVerify off) and works', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(a.cluster.kubeconfig());
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
  });

  it('client-node refuses the server when the kubeconfig holds another cluster CA', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'x',
          server: a.cluster.url,
          caData: Buffer.from(b.cluster.caPem).toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'u', token: a.cluster.adminToken }],
      contexts: [{ name: 'x', cluster: 'x', user: 'u' }],
      currentContext: 'x',
    });
    const err = await rejectionOf(kc.makeApiClient(k8s.CoreV1Api).listNamespace());
    expect(err).not.toBeInstanceOf(k8s.ApiException);
    // node-fetch wraps the TLS failure; inspect shows message, code and cause.
    const text = inspect(err, { depth: 4 });
    expect(text).toMatch(/certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
  });

  it('kubectl verifies the serving certificate with the kubeconfig CA, by IP and by localhost', async () => {
    expect(ok(await a.kubectl(['get', 'namespaces', '-o', 'name']))).toContain('namespace/default');
    const viaLocalhost = writeKubeconfig({
      server: a.cluster.url.replace('127.0.0.1', 'localhost'),
      caPem: a.cluster.caPem,
      token: a.cluster.adminToken,
    });
    expect(ok(await kubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: viaLocalhost }))).toContain(
      'namespace/default',
    );
  });

  it('kubectl refuses a server whose certificate another cluster CA did not sign', async () => {
    const wrongCa = writeKubeconfig({
      server: a.cluster.url,
      caPem: b.cluster.caPem,
      token: a.cluster.adminToken,
    });
    const result = await kubectl(['get', 'namespaces'], { kubeconfig: wrongCa });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('x509: certificate signed by unknown authority');
  });

  it('publishes its CA as kube-root-ca.crt in every namespace, including new ones', async () => {
    ok(await a.kubectl(['create', 'namespace', 'tls-fresh']));
    const core = a.kubeConfig().makeApiClient(k8s.CoreV1Api);
    for (const namespace of ['default', 'kube-system', 'tls-fresh']) {
      // The root CA publisher is a controller: poll briefly for a fresh namespace.
      let data: string | undefined;
      for (let attempt = 0; attempt < 50 && data === undefined; attempt += 1) {
        try {
          data = (await core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace })).data?.[
            'ca.crt'
          ];
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      expect(data).toBe(a.cluster.caPem);
    }
    expect(a.cluster.caPem).not.toBe(b.cluster.caPem);
  });
});
