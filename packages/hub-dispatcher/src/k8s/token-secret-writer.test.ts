import { describe, expect, it } from 'vitest';
import { buildTokenSecret, readStoredToken, type SecretObject } from './token-secret-writer.js';

const input = {
  namespace: 'c1',
  name: 'm1',
  msaUid: 'uid-1',
  token: 'header.payload.sig',
  caBundle: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
  requestedExpirationSeconds: 604800,
  grantedExpirationSeconds: 86400,
  refreshedAt: '2026-01-01T00:00:00Z',
};

describe('buildTokenSecret', () => {
  it('creates an Opaque Secret with exactly token and ca.crt, the label, annotations and one owner ref', () => {
    const s = buildTokenSecret(undefined, { ...input, rotateToken: 'r1' });
    expect(s.type).toBe('Opaque');
    expect(Object.keys(s.data ?? {}).sort()).toEqual(['ca.crt', 'token']);
    expect(readStoredToken(s)).toBe(input.token);
    expect(s.metadata.labels).toEqual({
      'authentication.open-cluster-management.io/is-managed-serviceaccount': 'true',
    });
    expect(s.metadata.annotations).toEqual({
      'msa-queue.io/requested-expiration-seconds': '604800',
      'msa-queue.io/granted-expiration-seconds': '86400',
      'msa-queue.io/rotated-for': 'r1',
      'msa-queue.io/refreshed-at': '2026-01-01T00:00:00Z',
    });
    expect(s.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'authentication.open-cluster-management.io/v1beta1',
        kind: 'ManagedServiceAccount',
        name: 'm1',
        uid: 'uid-1',
      },
    ]);
  });

  it('keeps type, other labels and annotations of an existing Secret; drops other data keys and owners', () => {
    const existing: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/custom',
      metadata: {
        name: 'm1',
        namespace: 'c1',
        resourceVersion: '42',
        labels: { team: 'a' },
        annotations: { note: 'keep', 'msa-queue.io/rotated-for': 'old' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x', controller: true }],
      },
      data: { token: 'b2xk', extra: 'eA==' },
      stringData: { also: 'gone' },
    };
    const s = buildTokenSecret(existing, input);
    expect(s.type).toBe('kubernetes.io/custom');
    expect(s.metadata.resourceVersion).toBe('42');
    expect(s.metadata.labels?.team).toBe('a');
    expect(s.metadata.annotations?.note).toBe('keep');
    expect(s.metadata.annotations?.['msa-queue.io/rotated-for']).toBe('old');
    expect(Object.keys(s.data ?? {}).sort()).toEqual(['ca.crt', 'token']);
    expect(s.stringData).toBeUndefined();
    expect(s.metadata.ownerReferences).toHaveLength(1);
    expect(s.metadata.ownerReferences?.[0]?.controller).toBeUndefined();
  });
});
