/** How a protobuf field maps to JSON. */
export interface FieldSpec {
  name: string;
  type: 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'message' | 'map-string' | 'map-bytes' | 'fields-v1';
  repeated?: boolean;
  message?: MessageSpec;
  /** A Go pointer field: keep zero values (they were set on purpose). */
  ptr?: boolean;
}

/** Field numbers of a generated.proto message. */
export type MessageSpec = Record<number, FieldSpec>;

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const strs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const i = (name: string, ptr = false): FieldSpec => ({ name, type: 'int', ptr });
const b = (name: string): FieldSpec => ({ name, type: 'bool', ptr: true });
const t = (name: string): FieldSpec => ({ name, type: 'time' });
const m = (name: string, message: MessageSpec, repeated = false): FieldSpec => ({
  name,
  type: 'message',
  message,
  repeated,
});

// Field numbers from staging/src/k8s.io/{apimachinery,api}/.../generated.proto.
const ownerReference: MessageSpec = {
  1: s('kind'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: b('controller'),
  7: b('blockOwnerDeletion'),
};
const managedFieldsEntry: MessageSpec = {
  1: s('manager'),
  2: s('operation'),
  3: s('apiVersion'),
  4: t('time'),
  6: s('fieldsType'),
  7: { name: 'fieldsV1', type: 'fields-v1' },
  8: s('subresource'),
};
const objectMeta: MessageSpec = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  4: s('selfLink'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: i('generation'),
  8: t('creationTimestamp'),
  9: t('deletionTimestamp'),
  10: i('deletionGracePeriodSeconds', true),
  11: { name: 'labels', type: 'map-string' },
  12: { name: 'annotations', type: 'map-string' },
  13: m('ownerReferences', ownerReference, true),
  14: strs('finalizers'),
  17: m('managedFields', managedFieldsEntry, true),
};
const objectReference: MessageSpec = {
  1: s('kind'),
  2: s('namespace'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: s('resourceVersion'),
  7: s('fieldPath'),
};
const policyRule: MessageSpec = {
  1: strs('verbs'),
  2: strs('apiGroups'),
  3: strs('resources'),
  4: strs('resourceNames'),
  5: strs('nonResourceURLs'),
};
const labelSelectorRequirement: MessageSpec = { 1: s('key'), 2: s('operator'), 3: strs('values') };
const labelSelector: MessageSpec = {
  1: { name: 'matchLabels', type: 'map-string' },
  2: m('matchExpressions', labelSelectorRequirement, true),
};
const subject: MessageSpec = { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') };
const roleRef: MessageSpec = { 1: s('apiGroup'), 2: s('kind'), 3: s('name') };
const userInfo: MessageSpec = { 1: s('username'), 2: s('uid'), 3: strs('groups') };

const resourceAttributes: MessageSpec = {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
};
const accessReviewSpec: MessageSpec = {
  1: m('resourceAttributes', resourceAttributes),
  2: m('nonResourceAttributes', { 1: s('path'), 2: s('verb') }),
  3: s('user'),
  4: strs('groups'),
  6: s('uid'),
};

/** Protobuf layouts of the kinds kubectl's typed clients send (kind → message). */
export const MESSAGES: Record<string, MessageSpec> = {
  Namespace: {
    1: m('metadata', objectMeta),
    2: m('spec', { 1: strs('finalizers') }),
    3: m('status', { 1: s('phase') }),
  },
  Secret: {
    1: m('metadata', objectMeta),
    2: { name: 'data', type: 'map-bytes' },
    3: s('type'),
    4: { name: 'stringData', type: 'map-string' },
    5: b('immutable'),
  },
  ConfigMap: {
    1: m('metadata', objectMeta),
    2: { name: 'data', type: 'map-string' },
    3: { name: 'binaryData', type: 'map-bytes' },
    4: b('immutable'),
  },
  ServiceAccount: {
    1: m('metadata', objectMeta),
    2: m('secrets', objectReference, true),
    3: m('imagePullSecrets', { 1: s('name') }, true),
    4: b('automountServiceAccountToken'),
  },
  TokenRequest: {
    1: m('metadata', objectMeta),
    2: m('spec', {
      1: strs('audiences'),
      3: m('boundObjectRef', { 1: s('kind'), 2: s('apiVersion'), 3: s('name'), 4: s('uid') }),
      4: i('expirationSeconds', true),
    }),
  },
  TokenReview: { 1: m('metadata', objectMeta), 2: m('spec', { 1: s('token'), 2: strs('audiences') }) },
  SelfSubjectReview: { 1: m('metadata', objectMeta), 2: m('status', { 1: m('userInfo', userInfo) }) },
  Role: { 1: m('metadata', objectMeta), 2: m('rules', policyRule, true) },
  ClusterRole: {
    1: m('metadata', objectMeta),
    2: m('rules', policyRule, true),
    3: m('aggregationRule', { 1: m('clusterRoleSelectors', labelSelector, true) }),
  },
  RoleBinding: { 1: m('metadata', objectMeta), 2: m('subjects', subject, true), 3: m('roleRef', roleRef) },
  ClusterRoleBinding: {
    1: m('metadata', objectMeta),
    2: m('subjects', subject, true),
    3: m('roleRef', roleRef),
  },
  Lease: {
    1: m('metadata', objectMeta),
    2: m('spec', {
      1: s('holderIdentity'),
      2: i('leaseDurationSeconds', true),
      3: { name: 'acquireTime', type: 'time' },
      4: { name: 'renewTime', type: 'time' },
      5: i('leaseTransitions', true),
      6: s('strategy'),
      7: s('preferredHolder'),
    }),
  },
  SelfSubjectAccessReview: { 1: m('metadata', objectMeta), 2: m('spec', accessReviewSpec) },
  SubjectAccessReview: { 1: m('metadata', objectMeta), 2: m('spec', accessReviewSpec) },
  DeleteOptions: {
    1: i('gracePeriodSeconds', true),
    2: m('preconditions', { 1: s('uid'), 2: s('resourceVersion') }),
    3: b('orphanDependents'),
    4: s('propagationPolicy'),
    5: strs('dryRun'),
  },
};
