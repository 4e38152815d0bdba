import { anyJson, bool, int, list, obj, str, stringMap, time } from '../../schema/builders.js';
import type { JsonSchema } from '../../schema/json-schema.js';
import { envelope } from '../../schema/object-meta.js';
import type { ResourceType } from '../resource-type.js';
import { defineBuiltin } from './define.js';

const objectReference = obj({
  apiVersion: str(),
  kind: str(),
  name: str(),
  namespace: str(),
  uid: str(),
  resourceVersion: str(),
  fieldPath: str(),
});

const policyRule = obj({
  verbs: list(str()),
  apiGroups: list(str()),
  resources: list(str()),
  resourceNames: list(str()),
  nonResourceURLs: list(str()),
});
const labelSelector = obj({
  matchLabels: stringMap(),
  matchExpressions: list(obj({ key: str(), operator: str(), values: list(str()) })),
});
const subject = obj({ kind: str(), apiGroup: str(), name: str(), namespace: str() });
const roleRef = obj(
  { apiGroup: str(), kind: str(), name: str() },
  { required: ['apiGroup', 'kind', 'name'] },
);

function rbac(
  plural: string,
  kind: string,
  namespaced: boolean,
  body: Record<string, JsonSchema>,
): ResourceType {
  return defineBuiltin({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural,
    singular: plural.slice(0, -1),
    kind,
    namespaced,
    component: `io.k8s.api.rbac.v1.${kind}`,
    schema: obj(envelope(body)),
    strategy: { allowCreateOnUpdate: true },
  });
}

const userInfo = obj({
  username: str(),
  uid: str(),
  groups: list(str()),
  extra: { type: 'object', additionalProperties: list(str()) },
});

const crdCondition = obj({
  type: str(),
  status: str(),
  lastTransitionTime: time(),
  reason: str(),
  message: str(),
});
const crdNames = obj({
  plural: str(),
  singular: str(),
  shortNames: list(str()),
  kind: str(),
  listKind: str(),
  categories: list(str()),
});

/** Schema of apiextensions.k8s.io/v1 CustomResourceDefinition (openAPIV3Schema kept free-form). */
const crdSchema = obj(
  envelope({
    spec: obj(
      {
        group: str(),
        names: crdNames,
        scope: str(),
        versions: list(
          obj({
            name: str(),
            served: bool(),
            storage: bool(),
            deprecated: bool(),
            deprecationWarning: str(),
            schema: obj({ openAPIV3Schema: anyJson() }),
            subresources: obj({
              status: anyJson(),
              scale: obj({ specReplicasPath: str(), statusReplicasPath: str(), labelSelectorPath: str() }),
            }),
            additionalPrinterColumns: list(
              obj({
                name: str(),
                type: str(),
                format: str(),
                description: str(),
                priority: int(),
                jsonPath: str(),
              }),
            ),
            selectableFields: list(obj({ jsonPath: str() })),
          }),
        ),
        conversion: anyJson(),
        preserveUnknownFields: bool(),
      },
      { required: ['group', 'names', 'scope', 'versions'] },
    ),
    status: obj({
      conditions: list(crdCondition),
      acceptedNames: crdNames,
      storedVersions: list(str()),
    }),
  }),
);

/** Built-in kinds outside the core group. */
export function otherResources(): ResourceType[] {
  return [
    defineBuiltin({
      group: 'events.k8s.io',
      version: 'v1',
      plural: 'events',
      singular: 'event',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      component: 'io.k8s.api.events.v1.Event',
      schema: obj(
        envelope({
          eventTime: { type: 'string', format: 'date-time', nullable: true },
          series: obj({ count: int(), lastObservedTime: time() }),
          reportingController: str(),
          reportingInstance: str(),
          action: str(),
          reason: str(),
          regarding: objectReference,
          related: objectReference,
          note: str(),
          type: str(),
          deprecatedSource: obj({ component: str(), host: str() }),
          deprecatedFirstTimestamp: time(),
          deprecatedLastTimestamp: time(),
          deprecatedCount: int(),
        }),
      ),
      strategy: { allowCreateOnUpdate: true },
    }),
    defineBuiltin({
      group: 'coordination.k8s.io',
      version: 'v1',
      plural: 'leases',
      singular: 'lease',
      kind: 'Lease',
      namespaced: true,
      component: 'io.k8s.api.coordination.v1.Lease',
      schema: obj(
        envelope({
          spec: obj({
            holderIdentity: str(),
            leaseDurationSeconds: int(),
            acquireTime: { type: 'string', format: 'date-time' },
            renewTime: { type: 'string', format: 'date-time' },
            leaseTransitions: int(),
            strategy: str(),
            preferredHolder: str(),
          }),
        }),
      ),
      strategy: {
        tableColumns: [{ name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity' }],
        allowCreateOnUpdate: true,
      },
    }),
    defineBuiltin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      singular: 'customresourcedefinition',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      hasStatus: true,
      component: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
      schema: crdSchema,
      strategy: {
        tableColumns: [
          {
            name: 'Created At',
            type: 'string',
            format: 'date-time',
            jsonPath: '.metadata.creationTimestamp',
          },
        ],
        omitAge: true,
      },
    }),
    rbac('roles', 'Role', true, { rules: list(policyRule) }),
    rbac('clusterroles', 'ClusterRole', false, {
      rules: list(policyRule),
      aggregationRule: obj({ clusterRoleSelectors: list(labelSelector) }),
    }),
    rbac('rolebindings', 'RoleBinding', true, { subjects: list(subject), roleRef }),
    rbac('clusterrolebindings', 'ClusterRoleBinding', false, { subjects: list(subject), roleRef }),
    defineBuiltin({
      group: 'authentication.k8s.io',
      version: 'v1',
      plural: 'tokenreviews',
      singular: 'tokenreview',
      kind: 'TokenReview',
      namespaced: false,
      verbs: ['create'],
      virtual: true,
      component: 'io.k8s.api.authentication.v1.TokenReview',
      schema: obj(
        envelope({
          spec: obj({ token: str(), audiences: list(str()) }),
          status: obj({ authenticated: bool(), user: userInfo, audiences: list(str()), error: str() }),
        }),
      ),
    }),
    defineBuiltin({
      group: 'authentication.k8s.io',
      version: 'v1',
      plural: 'selfsubjectreviews',
      singular: 'selfsubjectreview',
      kind: 'SelfSubjectReview',
      namespaced: false,
      verbs: ['create'],
      virtual: true,
      component: 'io.k8s.api.authentication.v1.SelfSubjectReview',
      schema: obj(envelope({ status: obj({ userInfo }) })),
    }),
  ];
}

const resourceAttributes = obj({
  namespace: str(),
  verb: str(),
  group: str(),
  version: str(),
  resource: str(),
  subresource: str(),
  name: str(),
  fieldSelector: anyJson(),
  labelSelector: anyJson(),
});
const nonResourceAttributes = obj({ path: str(), verb: str() });
const accessStatus = obj({ allowed: bool(), denied: bool(), reason: str(), evaluationError: str() });

/** authorization.k8s.io/v1 access reviews (kubectl auth can-i). */
export function authorizationResources(): ResourceType[] {
  const review = (plural: string, kind: string, spec: Record<string, JsonSchema>): ResourceType =>
    defineBuiltin({
      group: 'authorization.k8s.io',
      version: 'v1',
      plural,
      singular: plural.slice(0, -1),
      kind,
      namespaced: false,
      verbs: ['create'],
      virtual: true,
      component: `io.k8s.api.authorization.v1.${kind}`,
      schema: obj(envelope({ spec: obj(spec), status: accessStatus })),
    });
  return [
    review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', {
      resourceAttributes,
      nonResourceAttributes,
    }),
    review('subjectaccessreviews', 'SubjectAccessReview', {
      resourceAttributes,
      nonResourceAttributes,
      user: str(),
      groups: list(str()),
      uid: str(),
      extra: { type: 'object', additionalProperties: list(str()) },
    }),
  ];
}

/** Schema of authentication.k8s.io/v1 TokenRequest (the serviceaccounts/token subresource body). */
export const tokenRequestSchema: JsonSchema = obj(
  envelope({
    spec: obj({
      audiences: list(str()),
      expirationSeconds: int('int64'),
      boundObjectRef: obj({ kind: str(), apiVersion: str(), name: str(), uid: str() }),
    }),
    status: obj({ token: str(), expirationTimestamp: time() }),
  }),
);
