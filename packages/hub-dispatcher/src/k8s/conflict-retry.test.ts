import type { ManagedServiceAccount } from '@msa/common';
import { describe, expect, it } from 'vitest';
import { KubeApiError } from './kube-api-error.js';
import type { KubeRest } from './kube-rest.js';
import { statusWithCondition, updateMsaStatus } from './msa-status-writer.js';
import { writeTokenSecret, type SecretObject } from './token-secret-writer.js';

/** A scripted stand-in for KubeRest: records calls, answers from a queue. */
function fakeRest(answers: Record<string, Array<unknown>>): { rest: KubeRest; calls: string[] } {
  const calls: string[] = [];
  const next = (verb: string, path: string, body?: unknown): Promise<unknown> => {
    calls.push(`${verb} ${path}`);
    const a = answers[verb]?.shift();
    if (a instanceof Error) return Promise.reject(a);
    return Promise.resolve(a ?? body);
  };
  const rest = {
    getOptional: (p: string) => next('GET', p),
    create: (p: string, b: unknown) => next('POST', p, b),
    replace: (p: string, b: unknown) => next('PUT', p, b),
  } as unknown as KubeRest;
  return { rest, calls };
}

const conflict = (): KubeApiError => new KubeApiError(409, 'Conflict', 'the object has been modified');

describe('conflict-safe writers', () => {
  it('writeTokenSecret re-reads and retries on 409, keeping what the other writer added', async () => {
    const stale: SecretObject = { metadata: { name: 'm', namespace: 'c', resourceVersion: '1' }, data: {} };
    const fresh: SecretObject = {
      metadata: { name: 'm', namespace: 'c', resourceVersion: '2', labels: { added: 'meanwhile' } },
      data: {},
    };
    const { rest, calls } = fakeRest({ GET: [stale, fresh], PUT: [conflict()] });
    const written = await writeTokenSecret(rest, {
      namespace: 'c',
      name: 'm',
      msaUid: 'u',
      token: 't',
      caBundle: 'ca',
      requestedExpirationSeconds: 1,
      grantedExpirationSeconds: 1,
      refreshedAt: '2026-01-01T00:00:00Z',
    });
    expect(calls).toEqual([
      'GET /api/v1/namespaces/c/secrets/m',
      'PUT /api/v1/namespaces/c/secrets/m',
      'GET /api/v1/namespaces/c/secrets/m',
      'PUT /api/v1/namespaces/c/secrets/m',
    ]);
    expect(written.metadata.resourceVersion).toBe('2');
    expect(written.metadata.labels?.added).toBe('meanwhile');
  });

  it('updateMsaStatus recomputes from the fresh object after a 409, and refuses another uid', async () => {
    const msa = (rv: string, uid = 'u'): ManagedServiceAccount => ({
      apiVersion: 'authentication.open-cluster-management.io/v1beta1',
      kind: 'ManagedServiceAccount',
      metadata: { name: 'm', namespace: 'c', uid, resourceVersion: rv },
      spec: { rotation: {} },
    });
    const cond = {
      type: 'TokenReported',
      status: 'False' as const,
      reason: 'TokenReportFailed',
      message: 'x',
    };
    const { rest, calls } = fakeRest({ GET: [msa('2')], PUT: [conflict()] });
    const res = await updateMsaStatus(
      rest,
      { namespace: 'c', name: 'm', uid: 'u' },
      (m) => statusWithCondition(m, cond, new Date()),
      {
        current: msa('1'),
      },
    );
    expect(res.written).toBe(true);
    expect(res.msa.metadata.resourceVersion).toBe('2');
    expect(calls.filter((c) => c.startsWith('PUT'))).toHaveLength(2);

    const other = fakeRest({ GET: [msa('3', 'other-uid')], PUT: [conflict()] });
    await expect(
      updateMsaStatus(
        other.rest,
        { namespace: 'c', name: 'm', uid: 'u' },
        (m) => statusWithCondition(m, cond, new Date()),
        {
          current: msa('1'),
        },
      ),
    ).rejects.toMatchObject({ code: 'MSA_ERR_MSA_UID_MISMATCH' });
    expect(other.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(1);
  });
});
