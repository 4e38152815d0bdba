import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueServingCertificate,
  type CertificateAuthority,
} from '../packages/kube-sim/src/auth/index.js';
import { kubectl, writeKubeconfig } from './support/kubectl.js';

// The cluster PKI must satisfy Go's crypto/x509 (kubectl), which is stricter than Node: hostnames
// only from SANs, positive serials, CA:true with keyCertSign on the issuer. A real kube-apiserver's
// self-signed serving cert (k8s.io/client-go/util/cert GenerateSelfSignedCertKey) has the same
// shape: a CA with CA:true and a serving cert with IP SAN 127.0.0.1 and DNS localhost.
describe('kube-sim PKI against kubectl (Go TLS)', () => {
  let ca: CertificateAuthority;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    ca = await createCertificateAuthority('kube-sim-ca');
    const serving = await issueServingCertificate(ca, []);
    server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '35', gitVersion: 'v1.35.0', platform: 'linux/amd64' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.close();
  });

  it('is trusted by kubectl through certificate-authority-data for https://127.0.0.1 (IP SAN)', async () => {
    const kubeconfig = writeKubeconfig({
      server: `https://127.0.0.1:${port}`,
      caPem: ca.certPem,
      token: 't',
    });
    const result = await kubectl(['get', '--raw', '/version'], { kubeconfig });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ gitVersion: 'v1.35.0' });
  });

  it('is trusted by kubectl for https://localhost (DNS SAN)', async () => {
    const kubeconfig = writeKubeconfig({
      server: `https://localhost:${port}`,
      caPem: ca.certPem,
      token: 't',
    });
    const result = await kubectl(['get', '--raw', '/version'], { kubeconfig });
    expect(result.exitCode).toBe(0);
  });

  it('is refused by kubectl when the kubeconfig trusts another cluster CA', async () => {
    const other = await createCertificateAuthority('kube-sim-ca');
    const kubeconfig = writeKubeconfig({
      server: `https://127.0.0.1:${port}`,
      caPem: other.certPem,
      token: 't',
    });
    const result = await kubectl(['get', '--raw', '/version'], { kubeconfig });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/x509: certificate signed by unknown authority/);
  });
});
