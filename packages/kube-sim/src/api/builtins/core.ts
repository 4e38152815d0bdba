import {
  anyJson,
  bool,
  int,
  list,
  mergeList,
  obj,
  oneOf,
  str,
  stringMap,
  time,
} from '../../schema/builders.js';
import { envelope } from '../../schema/object-meta.js';
import type { StatusCause } from '../status-error.js';
import type { KubeObject, JsonObject } from '../types.js';
import { isJsonObject } from '../types.js';
import type { ResourceType } from '../resource-type.js';
import { defineBuiltin } from './define.js';

const objectReference = obj(
  {
    apiVersion: str(),
    kind: str(),
    name: str(),
    namespace: str(),
    uid: str(),
    resourceVersion: str(),
    fieldPath: str(),
  },
  { 'x-kubernetes-map-type': 'atomic' },
);
const localObjectReference = obj({ name: str() }, { 'x-kubernetes-map-type': 'atomic' });

/** Base64 as Go's encoding/json accepts for []byte (standard alphabet, padded). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const DNS_SUBDOMAIN_KEY = /^[-._a-zA-Z0-9]+$/;

function dataKeyCauses(field: string, data: unknown, checkBase64: boolean): StatusCause[] {
  if (!isJsonObject(data)) return [];
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!DNS_SUBDOMAIN_KEY.test(key) || key.length > 253) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      });
    }
    if (checkBase64 && typeof value === 'string' && !BASE64.test(value)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        message: `Invalid value: "${value}": illegal base64 data`,
      });
    }
  }
  return causes;
}

/**
 * Secret semantics of pkg/registry/core/secret/strategy.go and pkg/apis/core/validation:
 * stringData is merged into data (base64) and dropped; type defaults to Opaque and is immutable.
 */
const secretStrategy = {
  normalize(obj: KubeObject): void {
    const stringData = obj.stringData;
    if (isJsonObject(stringData)) {
      const data: JsonObject = isJsonObject(obj.data) ? obj.data : {};
      for (const [k, v] of Object.entries(stringData)) {
        if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
      }
      obj.data = data;
    }
    delete obj.stringData;
  },
  applyDefaults(obj: KubeObject): void {
    if (typeof obj.type !== 'string' || obj.type === '') obj.type = 'Opaque';
  },
  validate(obj: KubeObject, old: KubeObject | undefined): StatusCause[] {
    const causes = dataKeyCauses('data', obj.data, true);
    if (old && old.type !== obj.type) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'type',
        message: 'Invalid value: ' + JSON.stringify(obj.type) + ': field is immutable',
      });
    }
    if (old && old.immutable === true && JSON.stringify(old.data ?? {}) !== JSON.stringify(obj.data ?? {})) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'data',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
    if (obj.type === 'kubernetes.io/service-account-token') {
      const ann = obj.metadata.annotations ?? {};
      if (!ann['kubernetes.io/service-account.name']) {
        causes.push({
          reason: 'FieldValueRequired',
          field: 'metadata.annotations[kubernetes.io/service-account.name]',
          message: 'Required value',
        });
      }
    }
    return causes;
  },
  tableColumns: [
    { name: 'Type', type: 'string', jsonPath: '.type' },
    { name: 'Data', type: 'string', jsonPath: '__dataCount' },
  ],
};

const configMapStrategy = {
  validate(obj: KubeObject, old: KubeObject | undefined): StatusCause[] {
    const causes = [
      ...dataKeyCauses('data', obj.data, false),
      ...dataKeyCauses('binaryData', obj.binaryData, true),
    ];
    if (old && old.immutable === true && JSON.stringify(old.data ?? {}) !== JSON.stringify(obj.data ?? {})) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'data',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
    return causes;
  },
  tableColumns: [{ name: 'Data', type: 'string', jsonPath: '__dataCount' }],
};

/** Namespaces start Active with the `kubernetes` finalizer (pkg/registry/core/namespace/strategy.go). */
const namespaceStrategy = {
  applyDefaults(obj: KubeObject): void {
    const spec = isJsonObject(obj.spec) ? obj.spec : {};
    if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
    obj.spec = spec;
    const status = isJsonObject(obj.status) ? obj.status : {};
    if (typeof status.phase !== 'string') status.phase = 'Active';
    obj.status = status;
  },
  tableColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }],
};

const namespaceCondition = obj({
  type: str(),
  status: str(),
  lastTransitionTime: time(),
  reason: str(),
  message: str(),
});

/** Core v1 kinds kube-sim serves. */
export function coreResources(): ResourceType[] {
  return [
    defineBuiltin({
      group: '',
      version: 'v1',
      plural: 'namespaces',
      singular: 'namespace',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      hasStatus: true,
      component: 'io.k8s.api.core.v1.Namespace',
      schema: obj(
        envelope({
          spec: obj({ finalizers: list(str()) }),
          status: obj({
            phase: oneOf(['Active', 'Terminating']),
            conditions: mergeList(namespaceCondition, 'type'),
          }),
        }),
      ),
      strategy: namespaceStrategy,
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      plural: 'serviceaccounts',
      singular: 'serviceaccount',
      kind: 'ServiceAccount',
      namespaced: true,
      shortNames: ['sa'],
      component: 'io.k8s.api.core.v1.ServiceAccount',
      schema: obj(
        envelope({
          secrets: mergeList(objectReference, 'name'),
          imagePullSecrets: list(localObjectReference),
          automountServiceAccountToken: bool(),
        }),
      ),
      strategy: { tableColumns: [{ name: 'Secrets', type: 'string', jsonPath: '__secretsCount' }] },
      extraSubresources: [
        {
          name: 'token',
          kind: 'TokenRequest',
          group: 'authentication.k8s.io',
          version: 'v1',
          verbs: ['create'],
        },
      ],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      plural: 'secrets',
      singular: 'secret',
      kind: 'Secret',
      namespaced: true,
      component: 'io.k8s.api.core.v1.Secret',
      schema: obj(
        envelope({
          data: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
          stringData: stringMap(),
          type: str(),
          immutable: bool(),
        }),
      ),
      strategy: secretStrategy,
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      plural: 'configmaps',
      singular: 'configmap',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      component: 'io.k8s.api.core.v1.ConfigMap',
      schema: obj(
        envelope({
          data: stringMap(),
          binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
          immutable: bool(),
        }),
      ),
      strategy: configMapStrategy,
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      plural: 'events',
      singular: 'event',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      component: 'io.k8s.api.core.v1.Event',
      schema: obj(
        envelope({
          involvedObject: objectReference,
          reason: str(),
          message: str(),
          source: obj({ component: str(), host: str() }),
          firstTimestamp: time(),
          lastTimestamp: time(),
          count: int(),
          type: str(),
          eventTime: { type: 'string', format: 'date-time', nullable: true },
          series: obj({ count: int(), lastObservedTime: time() }),
          action: str(),
          related: objectReference,
          reportingComponent: str(),
          reportingInstance: str(),
        }),
      ),
      strategy: {
        allowCreateOnUpdate: true,
        tableColumns: [
          { name: 'Type', type: 'string', jsonPath: '.type' },
          { name: 'Reason', type: 'string', jsonPath: '.reason' },
          { name: 'Object', type: 'string', jsonPath: '__involvedObject' },
          { name: 'Message', type: 'string', jsonPath: '.message' },
        ],
      },
    }),
  ];
}

/** Free-form JSON, used where kube-sim does not model the inner structure. */
export const freeForm = anyJson;
