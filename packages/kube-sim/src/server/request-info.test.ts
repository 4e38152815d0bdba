import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info.js';

// Cases from staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go.
describe('parseRequestInfo', () => {
  const q = (s = ''): URLSearchParams => new URLSearchParams(s);
  it.each([
    ['GET', '/api/v1/namespaces', '', { verb: 'list', resource: 'namespaces', namespace: '', name: '' }],
    [
      'GET',
      '/api/v1/namespaces/other',
      '',
      { verb: 'get', resource: 'namespaces', namespace: 'other', name: 'other' },
    ],
    [
      'PUT',
      '/api/v1/namespaces/other/status',
      '',
      { verb: 'update', resource: 'namespaces', name: 'other', subresource: 'status' },
    ],
    [
      'GET',
      '/api/v1/namespaces/ns/secrets/s',
      '',
      { verb: 'get', resource: 'secrets', namespace: 'ns', name: 's' },
    ],
    ['GET', '/api/v1/namespaces/ns/secrets', 'watch=true', { verb: 'watch', resource: 'secrets' }],
    [
      'GET',
      '/api/v1/watch/namespaces/ns/secrets',
      '',
      { verb: 'watch', resource: 'secrets', namespace: 'ns', legacyWatch: true },
    ],
    [
      'POST',
      '/api/v1/namespaces/ns/serviceaccounts/sa/token',
      '',
      { verb: 'create', resource: 'serviceaccounts', name: 'sa', subresource: 'token' },
    ],
    [
      'DELETE',
      '/apis/g.io/v1/things',
      '',
      { verb: 'deletecollection', group: 'g.io', version: 'v1', resource: 'things' },
    ],
    ['PATCH', '/apis/g.io/v1/namespaces/n/things/t/status', '', { verb: 'patch', subresource: 'status' }],
  ])('%s %s?%s', (method, path, query, expected) => {
    expect(parseRequestInfo(method, path, q(query))).toMatchObject({ isResourceRequest: true, ...expected });
  });

  it('treats discovery and other paths as non-resource requests', () => {
    for (const p of ['/api', '/apis', '/api/v1', '/apis/g.io', '/apis/g.io/v1', '/version', '/openapi/v3']) {
      expect(parseRequestInfo('GET', p, q()).isResourceRequest).toBe(false);
    }
  });
});
