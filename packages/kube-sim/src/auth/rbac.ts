import {
  PRIVILEGED_GROUP,
  serviceAccountUsername,
  type ObjectLookup,
  type UserInfo,
} from './authenticator.js';

/** What a request wants to do, as kube-apiserver's RequestInfo / authorizer.Attributes. */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection (lower case). */
  verb: string;
  /** `''` for the core group. */
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  resourceRequest: boolean;
  /** URL path, used for non-resource requests. */
  path: string;
}

/** Authorization decision; `reason` follows the real RBAC authorizer's wording. */
export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
}

/** The RBAC authorizer of one simulated cluster. */
export interface RbacAuthorizer {
  authorize(attrs: RequestAttributes): AuthorizationDecision;
}

/** An RBAC `PolicyRule`. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** An RBAC subject (`rbac.authorization.k8s.io/v1` `Subject`). */
export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** A ClusterRole or Role object, as stored. */
export interface RbacRoleObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole' | 'Role';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  rules: PolicyRule[];
}

/** A ClusterRoleBinding or RoleBinding object, as stored. */
export interface RbacBindingObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  roleRef: { apiGroup: 'rbac.authorization.k8s.io'; kind: string; name: string };
  subjects: RbacSubject[];
}

const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';
const BOOTSTRAP_METADATA = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
};

function clusterRole(name: string, rules: PolicyRule[]): RbacRoleObject {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: { name, ...BOOTSTRAP_METADATA },
    rules,
  };
}

function clusterRoleBinding(name: string, role: string, groups: string[]): RbacBindingObject {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name, ...BOOTSTRAP_METADATA },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  };
}

/**
 * The subset of kube-apiserver's bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) that clients rely on: discovery,
 * self reviews, public info and OIDC discovery for every authenticated user, and
 * `cluster-admin` for `system:masters`. The server seeds these as objects (labelled
 * `kubernetes.io/bootstrapping: rbac-defaults`); on a store without them the authorizer applies
 * them implicitly.
 */
export const BOOTSTRAP_CLUSTER_ROLES: readonly RbacRoleObject[] = Object.freeze([
  clusterRole('cluster-admin', [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ]),
  clusterRole('system:discovery', [
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    },
  ]),
  clusterRole('system:basic-user', [
    {
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ]),
  clusterRole('system:public-info-viewer', [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
  ]),
  // Not bound by default; delegating authenticators (webhooks, the hub) are bound to it.
  clusterRole('system:auth-delegator', [
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] },
  ]),
  clusterRole('system:service-account-issuer-discovery', [
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/.well-known/openid-configuration',
        '/.well-known/openid-configuration/',
        '/openid/v1/jwks',
        '/openid/v1/jwks/',
      ],
    },
  ]),
]);

/** Bindings of {@link BOOTSTRAP_CLUSTER_ROLES}, as in a fresh cluster. */
export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly RbacBindingObject[] = Object.freeze([
  clusterRoleBinding('cluster-admin', 'cluster-admin', [PRIVILEGED_GROUP]),
  clusterRoleBinding('system:discovery', 'system:discovery', ['system:authenticated']),
  clusterRoleBinding('system:basic-user', 'system:basic-user', ['system:authenticated']),
  clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
    'system:authenticated',
    'system:unauthenticated',
  ]),
  clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [
    'system:serviceaccounts',
  ]),
]);

// ---- parsing stored objects (unknown input) -------------------------------------------------

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function parseRules(object: unknown): PolicyRule[] {
  const rules = asRecord(object)?.['rules'];
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((raw) => {
    const r = asRecord(raw);
    if (r === undefined) return [];
    return [
      {
        verbs: stringList(r['verbs']),
        apiGroups: stringList(r['apiGroups']),
        resources: stringList(r['resources']),
        resourceNames: stringList(r['resourceNames']),
        nonResourceURLs: stringList(r['nonResourceURLs']),
      },
    ];
  });
}

interface ParsedBinding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string;
  roleKind: string;
  roleName: string;
  subjects: RbacSubject[];
}

function parseBinding(object: unknown, kind: ParsedBinding['kind']): ParsedBinding | undefined {
  const o = asRecord(object);
  const metadata = asRecord(o?.['metadata']);
  const roleRef = asRecord(o?.['roleRef']);
  if (metadata === undefined || roleRef === undefined) return undefined;
  const name = metadata['name'];
  const roleKind = roleRef['kind'];
  const roleName = roleRef['name'];
  if (typeof name !== 'string' || typeof roleKind !== 'string' || typeof roleName !== 'string')
    return undefined;
  const subjects = Array.isArray(o?.['subjects'])
    ? (o['subjects'] as unknown[]).flatMap((raw) => {
        const s = asRecord(raw);
        if (s === undefined || typeof s['kind'] !== 'string' || typeof s['name'] !== 'string') return [];
        const subject: RbacSubject = { kind: s['kind'], name: s['name'] };
        if (typeof s['namespace'] === 'string' && s['namespace'] !== '') subject.namespace = s['namespace'];
        return [subject];
      })
    : [];
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  return { kind, name, namespace, roleKind, roleName, subjects };
}

// ---- rule matching (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows) ----------------------

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/** Whether one rule allows the request (RuleAllows in rbac.go). */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (attrs.resourceRequest) {
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, attrs.resource, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

/** Subject matching of pkg/registry/rbac/validation/rule.go appliesToUser. */
function appliesTo(user: UserInfo, subject: RbacSubject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace ?? bindingNamespace;
      return ns !== '' && serviceAccountUsername(ns, subject.name) === user.username;
    }
    default:
      return false;
  }
}

/** describeSubject in rule.go. */
function describeSubject(subject: RbacSubject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} ${JSON.stringify(`${subject.name}/${subject.namespace ?? bindingNamespace}`)}`;
  }
  return `${subject.kind} ${JSON.stringify(subject.name)}`;
}

function describeBinding(binding: ParsedBinding, subject: RbacSubject): string {
  const id = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  return `${binding.kind} ${JSON.stringify(id)} of ${binding.roleKind} ${JSON.stringify(binding.roleName)} to ${describeSubject(subject, binding.namespace)}`;
}

/**
 * Creates the RBAC authorizer: `system:masters` is always allowed (the privileged-group
 * authorizer in front of RBAC); otherwise ClusterRoleBindings, then RoleBindings of the request
 * namespace, are walked and the first rule that allows the request decides, with reason
 * `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`. A denial's reason
 * is empty unless a referenced role is missing (`RBAC: clusterrole.rbac.authorization.k8s.io
 * "x" not found`), as in plugin/pkg/auth/authorizer/rbac/rbac.go.
 */
export function createRbacAuthorizer(lookup: ObjectLookup): RbacAuthorizer {
  const bootstrapRoles = new Map(BOOTSTRAP_CLUSTER_ROLES.map((r) => [r.metadata.name, r]));

  /**
   * Whether the store already holds the bootstrap policy (the server seeds it). Then only stored
   * objects count, so deleting a default binding or role takes effect as on a real cluster;
   * otherwise (a bare store) the built-in defaults apply implicitly.
   */
  function seeded(kind: 'ClusterRole' | 'ClusterRoleBinding'): boolean {
    return lookup.list(RBAC_API_VERSION, kind).some((o) => {
      const labels = asRecord(asRecord(o['metadata'])?.['labels']);
      return labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults';
    });
  }

  function clusterBindings(): ParsedBinding[] {
    const stored = lookup
      .list(RBAC_API_VERSION, 'ClusterRoleBinding')
      .flatMap((o) => parseBinding(o, 'ClusterRoleBinding') ?? []);
    if (seeded('ClusterRoleBinding')) return stored;
    const storedNames = new Set(stored.map((b) => b.name));
    const defaults = BOOTSTRAP_CLUSTER_ROLE_BINDINGS.filter((b) => !storedNames.has(b.metadata.name)).flatMap(
      (b) => parseBinding(b, 'ClusterRoleBinding') ?? [],
    );
    return [...stored, ...defaults];
  }

  function roleRules(binding: ParsedBinding): PolicyRule[] | string {
    if (binding.roleKind === 'ClusterRole') {
      const stored = lookup.get(RBAC_API_VERSION, 'ClusterRole', undefined, binding.roleName);
      if (stored !== undefined) return parseRules(stored);
      const bootstrap = bootstrapRoles.get(binding.roleName);
      if (bootstrap !== undefined && !seeded('ClusterRole')) return bootstrap.rules;
      return `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(binding.roleName)} not found`;
    }
    if (binding.roleKind === 'Role' && binding.kind === 'RoleBinding') {
      const stored = lookup.get(RBAC_API_VERSION, 'Role', binding.namespace, binding.roleName);
      if (stored !== undefined) return parseRules(stored);
      return `role.rbac.authorization.k8s.io ${JSON.stringify(binding.roleName)} not found`;
    }
    return `unsupported role reference kind: ${JSON.stringify(binding.roleKind)}`;
  }

  return {
    authorize(attrs) {
      if (attrs.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
      const errors: string[] = [];
      const bindings = clusterBindings();
      if (attrs.namespace !== '') {
        bindings.push(
          ...lookup
            .list(RBAC_API_VERSION, 'RoleBinding', attrs.namespace)
            .flatMap((o) => parseBinding(o, 'RoleBinding') ?? [])
            .filter((b) => b.namespace === attrs.namespace),
        );
      }
      for (const binding of bindings) {
        const subject = binding.subjects.find((s) => appliesTo(attrs.user, s, binding.namespace));
        if (subject === undefined) continue;
        const rules = roleRules(binding);
        if (typeof rules === 'string') {
          errors.push(rules);
          continue;
        }
        if (rules.some((rule) => ruleAllows(attrs, rule))) {
          return { allowed: true, reason: `RBAC: allowed by ${describeBinding(binding, subject)}` };
        }
      }
      // utilerrors.NewAggregate prints one error bare and several as "[a, b]".
      const aggregate = errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`;
      return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate}` : '' };
    },
  };
}

/**
 * The message of a 403 as kube-apiserver writes it (staging/src/k8s.io/apiserver/pkg/endpoints/
 * handlers/responsewriters/errors.go forbiddenMessage + apierrors.NewForbidden), e.g.
 * `secrets "s" is forbidden: User "system:serviceaccount:ns:x" cannot get resource "secrets"
 * in API group "" in the namespace "ns"`.
 */
export function forbiddenMessage(attrs: RequestAttributes, reason = ''): string {
  const user = attrs.user.username;
  let detail: string;
  if (!attrs.resourceRequest) {
    detail = `User ${JSON.stringify(user)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  } else {
    const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
    const scope =
      attrs.namespace !== '' ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
    detail = `User ${JSON.stringify(user)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
  }
  if (reason !== '') detail = `${detail}: ${reason}`;
  const qualified = !attrs.resourceRequest
    ? ''
    : attrs.apiGroup === ''
      ? attrs.resource
      : `${attrs.resource}.${attrs.apiGroup}`;
  if (qualified === '') return `forbidden: ${detail}`;
  return attrs.name === ''
    ? `${qualified} is forbidden: ${detail}`
    : `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${detail}`;
}

/** A complete 403 `Status` body for a denied request, as kube-apiserver returns it. */
export function forbiddenStatus(attrs: RequestAttributes, reason = ''): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (attrs.name !== '') details['name'] = attrs.name;
  if (attrs.resourceRequest) {
    if (attrs.apiGroup !== '') details['group'] = attrs.apiGroup;
    details['kind'] = attrs.resource;
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: forbiddenMessage(attrs, reason),
    reason: 'Forbidden',
    details,
    code: 403,
  };
}

/** `status` of a SelfSubjectAccessReview / SubjectAccessReview (`authorization.k8s.io/v1`). */
export interface SubjectAccessReviewStatus {
  allowed: boolean;
  reason?: string;
}

/**
 * Answers the `spec` of a SelfSubjectAccessReview for `user` (what `kubectl auth can-i` sends):
 * `resourceAttributes` {namespace, verb, group, resource, subresource, name} or
 * `nonResourceAttributes` {path, verb}. Without an authorizer (RBAC not enforced) everything is
 * allowed, as with kube-apiserver's AlwaysAllow mode; `system:masters` is always allowed.
 */
export function reviewAccess(
  authorizer: RbacAuthorizer | undefined,
  user: UserInfo,
  spec: unknown,
): SubjectAccessReviewStatus {
  const s = asRecord(spec) ?? {};
  const resource = asRecord(s['resourceAttributes']);
  const nonResource = asRecord(s['nonResourceAttributes']);
  const text = (record: Record<string, unknown> | undefined, key: string): string => {
    const value = record?.[key];
    return typeof value === 'string' ? value : '';
  };
  const attrs: RequestAttributes =
    resource !== undefined
      ? {
          user,
          verb: text(resource, 'verb'),
          apiGroup: text(resource, 'group'),
          resource: text(resource, 'resource'),
          subresource: text(resource, 'subresource'),
          namespace: text(resource, 'namespace'),
          name: text(resource, 'name'),
          resourceRequest: true,
          path: '',
        }
      : {
          user,
          verb: text(nonResource, 'verb'),
          apiGroup: '',
          resource: '',
          subresource: '',
          namespace: '',
          name: '',
          resourceRequest: false,
          path: text(nonResource, 'path'),
        };
  if (authorizer === undefined) return { allowed: true };
  const decision = authorizer.authorize(attrs);
  return decision.reason === ''
    ? { allowed: decision.allowed }
    : { allowed: decision.allowed, reason: decision.reason };
}
