import { describe, expect, it } from 'vitest';
import type { UserInfo } from './authenticator.js';
import {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLES,
  createRbacAuthorizer,
  forbiddenMessage,
  forbiddenStatus,
  reviewAccess,
  ruleAllows,
  type RequestAttributes,
} from './rbac.js';
import { MapLookup } from './test-lookup.js';

// Semantics of plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows, authorizingVisitor) and
// pkg/registry/rbac/validation/rule.go (appliesToUser, describeSubject).

const RBAC = 'rbac.authorization.k8s.io/v1';
const sa: UserInfo = {
  username: 'system:serviceaccount:team:builder',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
};

function request(overrides: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: sa,
    verb: 'get',
    apiGroup: '',
    resource: 'secrets',
    subresource: '',
    namespace: 'team',
    name: 's1',
    resourceRequest: true,
    path: '/api/v1/namespaces/team/secrets/s1',
    ...overrides,
  };
}

describe('ruleAllows', () => {
  it.each<[string, Parameters<typeof ruleAllows>[1], Partial<RequestAttributes>, boolean]>([
    ['exact match', { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }, {}, true],
    ['verb wildcard', { verbs: ['*'], apiGroups: [''], resources: ['secrets'] }, { verb: 'delete' }, true],
    ['other verb', { verbs: ['list'], apiGroups: [''], resources: ['secrets'] }, {}, false],
    ['group wildcard', { verbs: ['get'], apiGroups: ['*'], resources: ['secrets'] }, {}, true],
    ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['secrets'] }, {}, false],
    [
      'resource wildcard',
      { verbs: ['get'], apiGroups: [''], resources: ['*'] },
      { subresource: 'status' },
      true,
    ],
    [
      'resource without subresource does not grant it',
      { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts'] },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
      false,
    ],
    [
      'resource/subresource',
      { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
      true,
    ],
    [
      '*/subresource',
      { verbs: ['create'], apiGroups: [''], resources: ['*/token'] },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
      true,
    ],
    [
      'resourceNames match',
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] },
      {},
      true,
    ],
    [
      'resourceNames mismatch',
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s2'] },
      {},
      false,
    ],
    [
      'resourceNames never match a list',
      { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] },
      { verb: 'list', name: '' },
      false,
    ],
    ['nonResourceURLs do not grant resources', { verbs: ['get'], nonResourceURLs: ['*'] }, {}, false],
    [
      'nonResourceURL exact',
      { verbs: ['get'], nonResourceURLs: ['/version'] },
      { resourceRequest: false, path: '/version' },
      true,
    ],
    [
      'nonResourceURL prefix',
      { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
      { resourceRequest: false, path: '/apis/apps/v1' },
      true,
    ],
    [
      'nonResourceURL no prefix match without *',
      { verbs: ['get'], nonResourceURLs: ['/apis'] },
      { resourceRequest: false, path: '/apis/apps' },
      false,
    ],
    [
      'resource rules do not grant paths',
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { resourceRequest: false, path: '/version' },
      false,
    ],
  ])('%s', (_name, rule, attrs, expected) => {
    expect(ruleAllows(request(attrs), rule)).toBe(expected);
  });
});

describe('createRbacAuthorizer', () => {
  it('always allows system:masters', () => {
    const authz = createRbacAuthorizer(new MapLookup());
    expect(
      authz.authorize(
        request({ user: { username: 'root', groups: ['system:masters', 'system:authenticated'] } }),
      ).allowed,
    ).toBe(true);
  });

  it('denies with an empty reason when nothing applies, allows via Role + RoleBinding', () => {
    const lookup = new MapLookup();
    const authz = createRbacAuthorizer(lookup);
    expect(authz.authorize(request({}))).toEqual({ allowed: false, reason: '' });
    lookup.put({
      apiVersion: RBAC,
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'team' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }],
    });
    lookup.put({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
    });
    expect(authz.authorize(request({}))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "rb/team" of Role "reader" to ServiceAccount "builder/team"',
    });
    // The binding is namespaced: the same SA gets nothing in another namespace.
    expect(authz.authorize(request({ namespace: 'other' })).allowed).toBe(false);
    expect(authz.authorize(request({ verb: 'delete' })).allowed).toBe(false);
  });

  it('lets a RoleBinding reference a ClusterRole, only within its namespace', () => {
    const lookup = new MapLookup();
    lookup.put({
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'secret-reader' },
      rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    });
    lookup.put({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
      subjects: [{ kind: 'Group', name: 'system:serviceaccounts:team' }],
    });
    const authz = createRbacAuthorizer(lookup);
    expect(authz.authorize(request({})).reason).toBe(
      'RBAC: allowed by RoleBinding "rb/team" of ClusterRole "secret-reader" to Group "system:serviceaccounts:team"',
    );
    expect(authz.authorize(request({ namespace: '' })).allowed).toBe(false);
  });

  it('applies ClusterRoleBindings cluster-wide; SA subjects need a namespace there', () => {
    const lookup = new MapLookup();
    lookup.put({
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'ns-reader' },
      rules: [{ verbs: ['list'], apiGroups: [''], resources: ['namespaces'] }],
    });
    lookup.put({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'crb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ns-reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'builder' },
        { kind: 'User', name: 'alice' },
      ],
    });
    const authz = createRbacAuthorizer(lookup);
    const listNamespaces = { verb: 'list', resource: 'namespaces', namespace: '', name: '' };
    expect(authz.authorize(request(listNamespaces)).allowed).toBe(false);
    expect(
      authz.authorize(
        request({ ...listNamespaces, user: { username: 'alice', groups: ['system:authenticated'] } }),
      ),
    ).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "crb" of ClusterRole "ns-reader" to User "alice"',
    });
  });

  it('reports a missing role in the denial reason', () => {
    const lookup = new MapLookup();
    lookup.put({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team' }],
    });
    expect(createRbacAuthorizer(lookup).authorize(request({}))).toEqual({
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('has the bootstrap discovery and self-review policy for authenticated users', () => {
    const authz = createRbacAuthorizer(new MapLookup());
    for (const path of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/version', '/openapi/v3', '/healthz']) {
      expect(
        authz.authorize(
          request({ resourceRequest: false, path, verb: 'get', resource: '', name: '', namespace: '' }),
        ).allowed,
      ).toBe(true);
    }
    expect(
      authz.authorize(
        request({
          resourceRequest: false,
          path: '/metrics',
          verb: 'get',
          resource: '',
          name: '',
          namespace: '',
        }),
      ).allowed,
    ).toBe(false);
    const selfReview = {
      verb: 'create',
      apiGroup: 'authentication.k8s.io',
      resource: 'selfsubjectreviews',
      namespace: '',
      name: '',
    };
    expect(authz.authorize(request(selfReview)).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    );
    const ssar = {
      verb: 'create',
      apiGroup: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
      namespace: '',
      name: '',
    };
    expect(authz.authorize(request(ssar)).allowed).toBe(true);
    // Unauthenticated users only see public info (system:public-info-viewer).
    const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    expect(
      authz.authorize(request({ user: anonymous, resourceRequest: false, path: '/version' })).allowed,
    ).toBe(true);
    expect(authz.authorize(request({ user: anonymous, resourceRequest: false, path: '/api' })).allowed).toBe(
      false,
    );
  });
});

describe('forbiddenMessage', () => {
  it('matches the API server texts for namespaced, cluster and non-resource requests', () => {
    expect(forbiddenMessage(request({}))).toBe(
      'secrets "s1" is forbidden: User "system:serviceaccount:team:builder" cannot get resource "secrets" in API group "" in the namespace "team"',
    );
    expect(
      forbiddenMessage(
        request({
          verb: 'list',
          name: '',
          resource: 'roles',
          apiGroup: 'rbac.authorization.k8s.io',
          namespace: '',
        }),
      ),
    ).toBe(
      'roles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:team:builder" cannot list resource "roles" in API group "rbac.authorization.k8s.io" at the cluster scope',
    );
    expect(
      forbiddenMessage(
        request({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'x' }),
      ),
    ).toBe(
      'serviceaccounts "x" is forbidden: User "system:serviceaccount:team:builder" cannot create resource "serviceaccounts/token" in API group "" in the namespace "team"',
    );
    expect(
      forbiddenMessage(request({ resourceRequest: false, path: '/metrics', name: '', resource: '' })),
    ).toBe('forbidden: User "system:serviceaccount:team:builder" cannot get path "/metrics"');
    expect(forbiddenMessage(request({}), 'RBAC: role.rbac.authorization.k8s.io "r" not found')).toMatch(
      /in the namespace "team": RBAC: role/,
    );
  });

  it('builds a 403 Status with details', () => {
    expect(forbiddenStatus(request({}))).toMatchObject({
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      details: { name: 's1', kind: 'secrets' },
    });
  });
});

describe('reviewAccess (SelfSubjectAccessReview, kubectl auth can-i)', () => {
  const lookup = new MapLookup();
  lookup.put({
    apiVersion: RBAC,
    kind: 'Role',
    metadata: { name: 'r', namespace: 'team' },
    rules: [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }],
  });
  lookup.put({
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'rb', namespace: 'team' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
  });
  const authz = createRbacAuthorizer(lookup);

  it('answers resource questions with the RBAC decision and reason', () => {
    expect(
      reviewAccess(authz, sa, {
        resourceAttributes: { namespace: 'team', verb: 'list', resource: 'secrets' },
      }),
    ).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "rb/team" of Role "r" to ServiceAccount "builder/team"',
    });
    expect(
      reviewAccess(authz, sa, {
        resourceAttributes: { namespace: 'team', verb: 'delete', resource: 'secrets' },
      }),
    ).toEqual({
      allowed: false,
    });
  });

  it('answers non-resource questions and allows everything without RBAC', () => {
    expect(
      reviewAccess(authz, sa, { nonResourceAttributes: { path: '/version', verb: 'get' } }).allowed,
    ).toBe(true);
    expect(
      reviewAccess(authz, sa, { nonResourceAttributes: { path: '/metrics', verb: 'get' } }).allowed,
    ).toBe(false);
    expect(
      reviewAccess(undefined, sa, { resourceAttributes: { verb: 'delete', resource: 'nodes' } }),
    ).toEqual({ allowed: true });
  });
});

describe('bootstrap policy once seeded', () => {
  it('honours the deletion of a seeded default binding, as a real cluster does', () => {
    const lookup = new MapLookup();
    for (const role of BOOTSTRAP_CLUSTER_ROLES) lookup.put(structuredClone(role) as never);
    for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) lookup.put(structuredClone(binding) as never);
    const authz = createRbacAuthorizer(lookup);
    const discovery = request({
      resourceRequest: false,
      path: '/apis',
      verb: 'get',
      resource: '',
      name: '',
      namespace: '',
    });
    expect(authz.authorize(discovery).allowed).toBe(true);
    lookup.remove(RBAC, 'ClusterRoleBinding', undefined, 'system:discovery');
    expect(authz.authorize(discovery).allowed).toBe(false);
    // A binding whose default role was deleted reports the missing role.
    lookup.remove(RBAC, 'ClusterRole', undefined, 'system:basic-user');
    const selfReview = request({
      verb: 'create',
      apiGroup: 'authentication.k8s.io',
      resource: 'selfsubjectreviews',
      namespace: '',
      name: '',
    });
    expect(authz.authorize(selfReview)).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "system:basic-user" not found',
    });
  });
});

describe('system:auth-delegator', () => {
  it('grants TokenReview and SubjectAccessReview creation once bound, like the bootstrap role', () => {
    const lookup = new MapLookup();
    const authz = createRbacAuthorizer(lookup);
    const tokenReview = request({
      verb: 'create',
      apiGroup: 'authentication.k8s.io',
      resource: 'tokenreviews',
      namespace: '',
      name: '',
    });
    expect(authz.authorize(tokenReview).allowed).toBe(false);
    lookup.put({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'builder-delegates' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team' }],
    });
    expect(authz.authorize(tokenReview)).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "builder-delegates" of ClusterRole "system:auth-delegator" to ServiceAccount "builder/team"',
    });
  });
});
