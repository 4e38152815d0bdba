import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCertificate } from './pki.js';

describe('createCertificateAuthority', () => {
  it('creates a CA:true certificate that can sign certificates (KUBE-FACTS: the CA has CA:true)', async () => {
    const ca = await createCertificateAuthority('kube-sim-ca');
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('CN=kube-sim-ca');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Go (crypto/x509) refuses certificates whose NotBefore lies in the future.
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now() - 30 * 60 * 1000);
  });

  it('gives each CA its own key, so one cluster cannot verify another cluster', async () => {
    const a = await createCertificateAuthority('a');
    const b = await createCertificateAuthority('b');
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe('issueServingCertificate', () => {
  it('carries IP 127.0.0.1 and DNS localhost SANs plus given hosts, serverAuth, not a CA', async () => {
    const ca = await createCertificateAuthority('kube-sim-ca');
    const serving = await issueServingCertificate(ca, ['kube-sim.local', '10.0.0.7']);
    const cert = new X509Certificate(serving.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('DNS:kube-sim.local');
    expect(cert.subjectAltName).toContain('IP Address:10.0.0.7');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    // A positive serial: the first byte has its high bit clear (Go rejects negative serials).
    expect(Number.parseInt(cert.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('completes a verified TLS handshake against the CA for 127.0.0.1 and localhost', async () => {
    const ca = await createCertificateAuthority('kube-sim-ca');
    const serving = await issueServingCertificate(ca, []);
    const server = tls.createServer({ cert: serving.certPem, key: serving.keyPem }, (socket) => {
      socket.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of ['127.0.0.1', 'localhost']) {
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          ca: ca.certPem,
          ...(servername === 'localhost' ? { servername } : {}),
          checkServerIdentity: (_host, cert) => tls.checkServerIdentity(servername, cert),
        });
        await once(socket, 'secureConnect');
        expect(socket.authorized).toBe(true);
        socket.destroy();
      }
      // A client that trusts a different CA must fail: the chain is really checked.
      const other = await createCertificateAuthority('other');
      const bad = tls.connect({ host: '127.0.0.1', port, ca: other.certPem });
      const [err] = (await once(bad, 'error')) as [Error & { code?: string }];
      expect(err.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    } finally {
      server.close();
    }
  });
});
