import { ErrorCode, MsaError } from '@msa/common';
import { describe, expect, it } from 'vitest';
import { toErrorBody } from './error-handling.js';
import { checkBasicAuth } from './ops-routes.js';
import { authorizeWorker, bearerToken } from './worker-auth.js';

describe('worker authorization', () => {
  it.each([
    ['system:serviceaccount:c1:managed-serviceaccount-worker', 'c1', true],
    ['system:serviceaccount:c2:managed-serviceaccount-worker', 'c1', false],
    ['system:serviceaccount:c1:default', 'c1', false],
    ['admin', 'c1', false],
  ])('%s acting for %s → %s', (user, cluster, ok) => {
    expect(authorizeWorker(user, cluster, 'managed-serviceaccount-worker')).toBe(ok);
  });

  it('extracts bearer tokens only from well-formed headers', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  x ')).toBe('x');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('toErrorBody', () => {
  it('keeps catalog codes and strips JWTs from messages', () => {
    const body = toErrorBody(new MsaError(ErrorCode.MsaNotFound, 'gone eyJhbGciOi.eyJzdWIiOi.c2ln'));
    expect(body).toEqual({ code: 'MSA_ERR_MSA_NOT_FOUND', message: 'gone [REDACTED]', statusCode: 404 });
  });

  it('maps schema failures to 400 and hides unknown errors behind a 500', () => {
    expect(
      toErrorBody(Object.assign(new Error('body/name must be string'), { validation: [] })).statusCode,
    ).toBe(400);
    // Fastify's body-parser failures: an oversized body has its own code, so the status
    // always matches the catalog (and docs/errors.md); other 4xx are the catalog's 400.
    expect(toErrorBody(Object.assign(new Error('Request body is too large'), { statusCode: 413 }))).toEqual({
      code: 'MSA_ERR_REQUEST_BODY_TOO_LARGE',
      message: 'Request body is too large',
      statusCode: 413,
    });
    expect(
      toErrorBody(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 })),
    ).toMatchObject({ code: 'MSA_ERR_INVALID_REQUEST_BODY', statusCode: 400 });
    expect(toErrorBody(new Error('secret detail'))).toEqual({
      code: 'MSA_ERR_INTERNAL',
      message: 'internal error',
      statusCode: 500,
    });
  });
});

describe('checkBasicAuth', () => {
  const header = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  it('accepts only the configured pair', () => {
    expect(checkBasicAuth(header('ops', 'pw:with:colons'), 'ops', 'pw:with:colons')).toBe(true);
    expect(checkBasicAuth(header('ops', 'bad'), 'ops', 'pw')).toBe(false);
    expect(checkBasicAuth(header('x', 'pw'), 'ops', 'pw')).toBe(false);
    expect(checkBasicAuth('Bearer t', 'ops', 'pw')).toBe(false);
    expect(checkBasicAuth(undefined, 'ops', 'pw')).toBe(false);
  });
});
