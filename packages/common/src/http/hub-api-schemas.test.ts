import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  CredentialRequestSchema,
  ErrorBodySchema,
  FailureReportSchema,
  HeartbeatSchema,
  hubApiPaths,
  MsaListResponseSchema,
  TokenReadResponseSchema,
  TokenReportSchema,
} from './hub-api-schemas.js';

const report = {
  name: 'm1',
  uid: 'u1',
  token: 'eyJ.a.b',
  caBundle: '-----BEGIN CERTIFICATE-----',
  expirationTimestamp: '2026-01-02T00:00:00Z',
  requestedExpirationSeconds: 604_800,
};

describe('hub API schemas', () => {
  it('paths follow docs/internal-contracts.md and escape their parameters', () => {
    expect(hubApiPaths.tokens('c1')).toBe('/v1/clusters/c1/tokens');
    expect(hubApiPaths.failures('c1')).toBe('/v1/clusters/c1/failures');
    expect(hubApiPaths.heartbeat('c1')).toBe('/v1/clusters/c1/heartbeat');
    expect(hubApiPaths.managedServiceAccounts('c1')).toBe('/v1/clusters/c1/managedserviceaccounts');
    expect(hubApiPaths.token('c1', 'm1')).toBe('/v1/clusters/c1/managedserviceaccounts/m1/token');
    expect(hubApiPaths.credential('c1')).toBe('/v1/clusters/c1/credential');
    expect(hubApiPaths.token('c/1', 'a b')).toBe('/v1/clusters/c%2F1/managedserviceaccounts/a%20b/token');
  });

  it.each<[string, unknown, boolean]>([
    ['valid', report, true],
    ['with rotateToken', { ...report, rotateToken: 'r1' }, true],
    ['empty token', { ...report, token: '' }, false],
    ['unknown field', { ...report, server: 'https://x' }, false],
    ['bad timestamp', { ...report, expirationTimestamp: 'tomorrow' }, false],
    ['lifetime 0', { ...report, requestedExpirationSeconds: 0 }, false],
  ])('TokenReport: %s', (_name, body, ok) => {
    expect(Value.Check(TokenReportSchema, body)).toBe(ok);
  });

  it('FailureReport, Heartbeat and CredentialRequest', () => {
    expect(
      Value.Check(FailureReportSchema, {
        name: 'm1',
        uid: 'u1',
        reason: 'TokenReportFailed',
        message: 'x',
        retryable: true,
      }),
    ).toBe(true);
    expect(
      Value.Check(FailureReportSchema, { name: 'm1', uid: 'u1', reason: '', message: 'x', retryable: true }),
    ).toBe(false);
    expect(Value.Check(HeartbeatSchema, { workerId: 'w1', agentNamespace: 'ns', version: '0.1.0' })).toBe(
      true,
    );
    expect(Value.Check(HeartbeatSchema, { workerId: 'w1', version: '0.1.0' })).toBe(false);
    expect(Value.Check(CredentialRequestSchema, {})).toBe(true);
    expect(Value.Check(CredentialRequestSchema, { expirationSeconds: 3600 })).toBe(true);
    expect(Value.Check(CredentialRequestSchema, { expirationSeconds: -1 })).toBe(false);
  });

  it('responses', () => {
    expect(
      Value.Check(MsaListResponseSchema, {
        synced: true,
        items: [{ name: 'm1', uid: 'u1', deleting: false }],
      }),
    ).toBe(true);
    expect(Value.Check(TokenReadResponseSchema, { name: 'm1', uid: 'u1', token: null })).toBe(true);
    expect(Value.Check(ErrorBodySchema, { code: 'MSA_ERR_INTERNAL', message: 'x', statusCode: 500 })).toBe(
      true,
    );
    expect(Value.Check(ErrorBodySchema, { code: 'MSA_ERR_WHATEVER', message: 'x', statusCode: 500 })).toBe(
      false,
    );
  });
});
