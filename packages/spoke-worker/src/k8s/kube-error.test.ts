import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { toKubeError } from './kube-error.js';

describe('toKubeError', () => {
  it('keeps only the Status message of an API error, never the raw body', () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 422,
      reason: 'Invalid',
      message: 'may not specify a duration less than 10 minutes',
      extra: 'eyJsecret',
    });
    const err = toKubeError(new ApiException(422, `HTTP-Code: 422 Body: ${body}`, body, {}), 'request token');
    expect(err).toMatchObject({
      kind: 'invalid',
      status: 422,
      retryable: false,
      message: 'may not specify a duration less than 10 minutes',
    });
  });

  it.each([
    [403, 'forbidden', false],
    [404, 'notFound', false],
    [409, 'conflict', true],
    [429, 'throttled', true],
    [503, 'unavailable', true],
    [400, 'invalid', false],
  ])('HTTP %i → %s (retryable %s)', (code, kind, retryable) => {
    expect(toKubeError(new ApiException(code, 'x', '{}', {}), 'a')).toMatchObject({ kind, retryable });
  });

  it('reads Retry-After', () => {
    expect(toKubeError(new ApiException(429, 'x', '{}', { 'retry-after': '3' }), 'a').retryAfterMs).toBe(
      3000,
    );
  });

  it('maps transport errors to unavailable without their text', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1 with body eyJ...'), {
      code: 'ECONNREFUSED',
    });
    expect(toKubeError(e, 'read sa')).toMatchObject({
      kind: 'unavailable',
      retryable: true,
      message: 'read sa: ECONNREFUSED',
    });
  });
});
