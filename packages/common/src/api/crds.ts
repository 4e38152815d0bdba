import {
  API_GROUP,
  CLUSTER_API_GROUP,
  CLUSTER_KIND,
  CLUSTER_PLURAL,
  CLUSTER_VERSION,
  DEFAULT_VALIDITY,
  MSA_KIND,
  MSA_PLURAL,
  MSA_SHORT_NAMES,
  MSA_SINGULAR,
  MSA_STORAGE_VERSION,
} from './constants.js';

/** A JSON value, used to type CRD manifests as plain data. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Pattern admitted for `spec.rotation.validity`: an unsigned Go duration (the grammar of Go's
 * `time.ParseDuration` without the sign). Upstream accepts any string, and a malformed value
 * ("30d", "abc") can break the agent for the whole cluster; we reject it at admission.
 * Both micro signs (U+00B5 and U+03BC) are accepted like Go does. Written to be valid in both
 * RE2 (the API server) and JavaScript.
 */
export const VALIDITY_PATTERN = '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$';

/** Deep-freezes a JSON value so shared manifests cannot be mutated by a consumer. */
function deepFreeze<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** metav1.Condition schema as controller-gen emits it. */
function conditionSchema(): JsonObject {
  return {
    type: 'object',
    description: 'Condition contains details for one aspect of the current state of this API Resource.',
    required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
    properties: {
      lastTransitionTime: { type: 'string', format: 'date-time' },
      message: { type: 'string', maxLength: 32768 },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      reason: {
        type: 'string',
        maxLength: 1024,
        minLength: 1,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      },
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      type: {
        type: 'string',
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      },
    },
  };
}

/** The openAPIV3Schema shared by v1beta1 and v1alpha1 (upstream: same schema, no conversion). */
function msaSchema(): JsonObject {
  return {
    type: 'object',
    description:
      'ManagedServiceAccount asks for a ServiceAccount on the managed cluster and a rotated token for it on the hub.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        // Upstream: `spec: {}` is rejected with "spec.rotation: Required value".
        required: ['rotation'],
        properties: {
          rotation: {
            type: 'object',
            description:
              'Token rotation settings. Rotation is always on; `enabled` is kept for compatibility.',
            properties: {
              enabled: {
                type: 'boolean',
                default: true,
                description: 'Deprecated and ignored: every token rotates.',
              },
              validity: {
                type: 'string',
                default: DEFAULT_VALIDITY,
                pattern: VALIDITY_PATTERN,
                description:
                  'Requested token lifetime as an unsigned Go duration (e.g. 1h30m, 720h, 8640h0m0s). The managed cluster may grant less.',
              },
            },
          },
          ttlSecondsAfterCreation: {
            type: 'integer',
            format: 'int32',
            minimum: 1,
            description: 'Delete this ManagedServiceAccount that many seconds after its creation.',
          },
        },
      },
      status: {
        type: 'object',
        properties: {
          conditions: {
            type: 'array',
            items: conditionSchema(),
            'x-kubernetes-list-map-keys': ['type'],
            'x-kubernetes-list-type': 'map',
          },
          expirationTimestamp: { type: 'string', format: 'date-time' },
          tokenSecretRef: {
            type: 'object',
            required: ['lastRefreshTimestamp', 'name'],
            properties: {
              name: { type: 'string' },
              lastRefreshTimestamp: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  };
}

function printerColumns(): JsonValue[] {
  return [
    {
      name: 'Token-Ready',
      type: 'string',
      description: 'Status of the TokenReported condition',
      jsonPath: '.status.conditions[?(@.type=="TokenReported")].status',
    },
    {
      name: 'Reason',
      type: 'string',
      priority: 1,
      description: 'Reason of the TokenReported condition',
      jsonPath: '.status.conditions[?(@.type=="TokenReported")].reason',
    },
    {
      // A string, not a date: kubectl prints dates as "age", which is wrong for a future expiry.
      name: 'Expires',
      type: 'string',
      description: 'Expiry of the current token',
      jsonPath: '.status.expirationTimestamp',
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
}

/** The ManagedServiceAccount CRD (v1beta1 storage, v1alpha1 served and deprecated), as plain data. */
export const msaCrd: JsonObject = deepFreeze<JsonObject>({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${MSA_PLURAL}.${API_GROUP}` },
  spec: {
    group: API_GROUP,
    names: {
      kind: MSA_KIND,
      listKind: `${MSA_KIND}List`,
      plural: MSA_PLURAL,
      singular: MSA_SINGULAR,
      shortNames: [...MSA_SHORT_NAMES],
    },
    scope: 'Namespaced',
    versions: [
      {
        name: MSA_STORAGE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: printerColumns(),
        schema: { openAPIV3Schema: msaSchema() },
      },
      {
        name: 'v1alpha1',
        served: true,
        storage: false,
        deprecated: true,
        deprecationWarning: `${API_GROUP}/v1alpha1 ${MSA_KIND} is deprecated; use ${API_GROUP}/${MSA_STORAGE_VERSION}`,
        subresources: { status: {} },
        additionalPrinterColumns: printerColumns(),
        schema: { openAPIV3Schema: msaSchema() },
      },
    ],
  },
});

/** A minimal ManagedCluster CRD for standalone installs without OCM (cluster-scoped, open schema). */
export const managedClusterCrd: JsonObject = deepFreeze<JsonObject>({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${CLUSTER_PLURAL}.${CLUSTER_API_GROUP}` },
  spec: {
    group: CLUSTER_API_GROUP,
    names: {
      kind: CLUSTER_KIND,
      listKind: `${CLUSTER_KIND}List`,
      plural: CLUSTER_PLURAL,
      singular: 'managedcluster',
      shortNames: ['mcl', 'mcls'],
    },
    scope: 'Cluster',
    versions: [
      {
        name: CLUSTER_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
});

/** Both CRDs, ManagedCluster first so a standalone install can apply them in order. */
export const crdManifests: readonly JsonObject[] = Object.freeze([managedClusterCrd, msaCrd]);
