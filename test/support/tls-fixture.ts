import { createCertificateAuthority, issueServingCertificate } from '@msa/kube-sim';

/**
 * A real serving certificate and key (PEM) for tests that render config files: the hub parses
 * its TLS files at start-up, so placeholders are refused (that is the point of the check).
 */
export async function sampleTlsFiles(): Promise<{ certPem: string; keyPem: string }> {
  const ca = await createCertificateAuthority('test-fixture-ca');
  return issueServingCertificate(ca, ['msa-hub.test']);
}

/** Content for a mounted file in a rendered config: PEM for `.crt` / `.key`, a placeholder otherwise. */
export function fixtureContent(path: string, tls: { certPem: string; keyPem: string }): string {
  if (path.endsWith('.crt') || path.endsWith('.pem')) return tls.certPem;
  if (path.endsWith('.key')) return tls.keyPem;
  return 'dummy-file-content\n';
}
