import { describe, expect, it } from 'vitest';
import {
  classifyKubeFailure,
  kubeFailureToMsaError,
  type KubeFailureKind,
  type KubeStatusBody,
} from './kube-failure.js';

describe('classifyKubeFailure', () => {
  it.each<[number | undefined, KubeStatusBody | undefined, KubeFailureKind]>([
    [401, { reason: 'Unauthorized' }, 'unauthorized'],
    [403, { reason: 'Forbidden' }, 'forbidden'],
    [404, { reason: 'NotFound' }, 'notFound'],
    [405, undefined, 'notFound'],
    [409, { reason: 'AlreadyExists' }, 'conflict'],
    [409, { reason: 'Conflict' }, 'conflict'],
    [410, { reason: 'Expired' }, 'conflict'],
    [400, { reason: 'BadRequest' }, 'invalid'],
    [422, { reason: 'Invalid' }, 'invalid'],
    [413, undefined, 'invalid'],
    [418, undefined, 'invalid'],
    [429, { reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } }, 'throttled'],
    [500, { reason: 'InternalError' }, 'unavailable'],
    [503, { reason: 'ServiceUnavailable' }, 'unavailable'],
    [504, { reason: 'Timeout' }, 'unavailable'],
    [0, undefined, 'unavailable'],
    [undefined, undefined, 'unavailable'],
    [undefined, { reason: 'NotFound' }, 'notFound'],
    [500, { reason: 'TooManyRequests' }, 'throttled'],
    [401, { reason: 'Forbidden' }, 'unauthorized'],
  ])('HTTP %s %j → %s', (status, body, want) => {
    expect(classifyKubeFailure(status, body)).toBe(want);
  });
});

describe('kubeFailureToMsaError', () => {
  it('maps to the code, keeps the API message, the Retry-After hint and the cause', () => {
    const cause = new Error('raw');
    const e = kubeFailureToMsaError(
      429,
      {
        kind: 'Status',
        message: 'too many requests',
        reason: 'TooManyRequests',
        details: { retryAfterSeconds: 3 },
      },
      'create token for c1/m1',
      cause,
    );
    expect(e.code).toBe('MSA_ERR_KUBE_THROTTLED');
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(3000);
    expect(e.message).toBe('create token for c1/m1: too many requests');
    expect(e.cause).toBe(cause);
  });

  it.each<[number | undefined, string, string]>([
    [undefined, 'MSA_ERR_KUBE_UNAVAILABLE', 'get secret: no answer'],
    [403, 'MSA_ERR_KUBE_FORBIDDEN', 'get secret: HTTP 403'],
    [409, 'MSA_ERR_KUBE_CONFLICT', 'get secret: HTTP 409'],
  ])('HTTP %s without body → %s', (status, code, message) => {
    const e = kubeFailureToMsaError(status, undefined, 'get secret');
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it('non-retryable kinds: forbidden, notFound, invalid', () => {
    expect(kubeFailureToMsaError(403, undefined, 'x').retryable).toBe(false);
    expect(kubeFailureToMsaError(404, undefined, 'x').retryable).toBe(false);
    expect(kubeFailureToMsaError(422, undefined, 'x').retryable).toBe(false);
    expect(kubeFailureToMsaError(409, undefined, 'x').retryable).toBe(true);
    expect(kubeFailureToMsaError(503, undefined, 'x').retryable).toBe(true);
  });
});
