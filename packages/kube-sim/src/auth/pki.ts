import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
// The shim must run before @peculiar/x509 is evaluated (tsyringe checks at import time).
import './reflect-metadata-shim.js';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 needs a WebCrypto provider; Node's is complete, so register it once.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: accepted by Node's `tls`, Go's crypto/tls (kubectl) and OpenSSL. */
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Certificates start one hour in the past: Go rejects a certificate whose NotBefore lies in the
 * future, and a client clock a little behind the sim's must not break the handshake.
 */
const BACKDATE_MS = 60 * 60 * 1000;
const CA_LIFETIME_MS = 10 * 365 * 24 * 60 * 60 * 1000;
const SERVING_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

/** A cluster's certificate authority: its PEM certificate and PKCS#8 PEM private key. */
export interface CertificateAuthority {
  /** PEM `CERTIFICATE`, the `ca.crt` a kubeconfig and the `kube-root-ca.crt` ConfigMap carry. */
  certPem: string;
  /** PEM `PRIVATE KEY` (PKCS#8). */
  keyPem: string;
  /** Parsed CA certificate, used as issuer of leaf certificates. */
  readonly certificate: x509.X509Certificate;
  /** Signing key of the CA. */
  readonly privateKey: webcrypto.CryptoKey;
}

/** A serving (leaf) certificate and its key, both PEM. */
export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

/**
 * A random, positive, non-zero 128-bit serial number in hex. RFC 5280 requires a positive
 * serial, and Go refuses negative ones (the high bit of the first byte must be clear).
 */
function randomSerialHex(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/**
 * Creates a self-signed CA (`CA:true`, keyCertSign + cRLSign, ECDSA P-256), valid from one hour
 * ago for ten years. Each simulated cluster gets its own.
 */
export async function createCertificateAuthority(commonName: string): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: [{ CN: [commonName] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: certificate.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
    certificate,
    privateKey: keys.privateKey,
  };
}

/**
 * Issues a serving certificate signed by `ca` with SANs IP 127.0.0.1, IP ::1, DNS localhost and
 * each of `hosts` (IP literals become IP SANs, everything else DNS SANs). Go verifies hostnames
 * only against SANs, never the CN, so the SANs are what makes kubectl accept it.
 */
export async function issueServingCertificate(
  ca: CertificateAuthority,
  hosts: string[],
): Promise<ServingCertificate> {
  const keys = await generateKeyPair();
  const names = new Map<string, x509.JsonGeneralName>();
  for (const host of ['127.0.0.1', '::1', 'localhost', ...hosts]) {
    const type = isIP(host) === 0 ? 'dns' : 'ip';
    names.set(`${type}:${host.toLowerCase()}`, { type, value: host });
  }
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: [{ CN: ['kube-apiserver'] }],
    issuer: ca.certificate.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + SERVING_LIFETIME_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.values()]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
    ],
  });
  return { certPem: certificate.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
