import type { JsonSchema } from '../schema/json-schema.js';
import type { KubeObject } from './types.js';
import type { StatusCause } from './status-error.js';

/** A CRD additionalPrinterColumn (or a built-in column defined the same way). */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Per served version facts of a resource. */
export interface ResourceVersion {
  name: string;
  /** Schema of the whole object in this version; absent = no validation / no pruning. */
  schema?: JsonSchema;
  printerColumns?: PrinterColumn[];
  /** Name of the OpenAPI component for this GVK (built-ins: io.k8s.api.core.v1.Secret). */
  componentName: string;
}

/** Hooks through which a built-in kind adds its own semantics (validation, defaulting...). */
export interface KindStrategy {
  /** Normalise an incoming object before validation (e.g. Secret stringData → data). */
  normalize?(obj: KubeObject): void;
  /** Defaults applied on create and update (e.g. Secret type Opaque). */
  applyDefaults?(obj: KubeObject): void;
  /** Field errors for a create (old undefined) or an update. */
  validate?(obj: KubeObject, old: KubeObject | undefined): StatusCause[];
  /** Columns of `kubectl get` other than Name, in front of Age (like the real TableConvertors). */
  tableColumns?: PrinterColumn[];
  /** PUT of a missing object creates it (the strategy's AllowCreateOnUpdate). */
  allowCreateOnUpdate?: boolean;
  /** The kind's table has no Age column (CRDs print CREATED AT instead). */
  omitAge?: boolean;
}

/** Everything the server knows about a resource (a REST storage + its discovery entry). */
export interface ResourceType {
  group: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  versions: ResourceVersion[];
  /** Version in which objects are kept in the store. */
  storageVersion: string;
  /** `status` subresource: main writes ignore status, /status writes ignore the rest. */
  hasStatus: boolean;
  /** Extra subresources published in discovery, e.g. serviceaccounts/token. */
  extraSubresources: Array<{ name: string; kind: string; group: string; version: string; verbs: string[] }>;
  /** True for custom resources (no strategic merge patch, CRD-style generation). */
  custom: boolean;
  /** Create-only virtual resources (tokenreviews, selfsubjectreviews): never stored. */
  virtual: boolean;
  /** The CRD is being deleted: new custom resources are refused. */
  terminating?: boolean;
  strategy: KindStrategy;
}

/** `group/plural`, the key under which the store keeps a resource. */
export function resourceKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}

/** `v1` or `group/version`. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Split an apiVersion into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
