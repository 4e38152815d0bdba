import { applySchemaDefaults } from '../../schema/defaults.js';
import { pruneUnknownFields } from '../../schema/prune.js';
import { validateAgainstSchema } from '../../schema/validate.js';
import type { SchemaResolver } from '../../schema/json-schema.js';
import type { ResourceType, ResourceVersion } from '../resource-type.js';
import { apiVersionOf } from '../resource-type.js';
import type { StatusCause } from '../status-error.js';
import { ApiError, StatusReason, badRequest, invalid } from '../status-error.js';
import type { KubeObject } from '../types.js';
import { isJsonObject, jsonEqual } from '../types.js';
import { labelCauses, subdomainCauses } from '../names.js';
import type { FieldValidation } from '../request-context.js';

/**
 * Reject or report unknown fields according to `fieldValidation`
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go: strict decoding errors are 400
 * BadRequest `strict decoding error: unknown field "spec.foo"`; Warn turns them into warnings).
 * Returns the warnings to send. The object is pruned in place either way, as decoding into Go
 * structs (built-ins) or pruning (CRDs) drops those fields.
 */
export function handleUnknownFields(
  obj: KubeObject,
  type: ResourceType,
  version: ResourceVersion,
  mode: FieldValidation,
  resolve: SchemaResolver,
): string[] {
  if (!version.schema) return [];
  const unknown = pruneUnknownFields(obj, version.schema, resolve);
  if (unknown.length === 0 || mode === 'Ignore') return [];
  const texts = unknown.map((p) => `unknown field "${p}"`);
  if (mode === 'Strict') {
    const prefix = `${type.kind} in version "${version.name}" cannot be handled as a ${type.kind}: `;
    throw badRequest(`${prefix}strict decoding error: ${texts.join(', ')}`);
  }
  return texts;
}

/** Check apiVersion/kind of a request body against the endpoint (400 like the decoder does). */
export function checkTypeMeta(
  obj: KubeObject,
  type: ResourceType,
  version: ResourceVersion,
  expectedKind = type.kind,
): void {
  const expected = apiVersionOf(type.group, version.name);
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== expectedKind) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error (kind ${String(obj.kind)})`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
}

/** Metadata validation shared by all kinds (apimachinery/pkg/api/validation/objectmeta.go). */
export function metadataCauses(
  obj: KubeObject,
  type: ResourceType,
  old: KubeObject | undefined,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name ?? '';
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  } else if (type.group === '' && type.plural === 'namespaces') {
    causes.push(...labelCauses('metadata.name', name));
  } else {
    causes.push(...subdomainCauses('metadata.name', name));
  }
  for (const [field, map] of [
    ['metadata.labels', obj.metadata.labels],
    ['metadata.annotations', obj.metadata.annotations],
  ] as const) {
    if (map !== undefined && !isJsonObject(map)) {
      causes.push({ reason: 'FieldValueInvalid', field, message: 'Invalid value: must be a map of strings' });
    }
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
    if (
      !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(
        k,
      )
    ) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  if (old?.metadata.deletionTimestamp) {
    const before = new Set(old.metadata.finalizers ?? []);
    const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
      });
    }
  }
  return causes;
}

/** Schema defaults for custom resources, then the kind's own defaults. */
export function applyDefaults(
  obj: KubeObject,
  type: ResourceType,
  version: ResourceVersion,
  resolve: SchemaResolver,
): void {
  if (type.custom && version.schema) applySchemaDefaults(obj, version.schema, resolve);
  type.strategy.applyDefaults?.(obj);
}

/** Validate and throw 422 Invalid with every cause. */
export function validateOrThrow(
  obj: KubeObject,
  type: ResourceType,
  version: ResourceVersion,
  old: KubeObject | undefined,
  resolve: SchemaResolver,
): void {
  const causes = metadataCauses(obj, type, old);
  if (type.custom && version.schema) {
    const { metadata: _m, ...body } = obj;
    causes.push(
      ...validateAgainstSchema(
        { ...body, metadata: {} },
        { ...version.schema, properties: { ...version.schema.properties, metadata: {} } },
        resolve,
      ),
    );
  }
  causes.push(...(type.strategy.validate?.(obj, old) ?? []));
  if (causes.length > 0) throw invalid(type.group, type.kind, obj.metadata.name ?? '', causes);
}

/** Everything of an object but metadata (and status when it has its own subresource). */
function specPart(obj: KubeObject, type: ResourceType): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  if (type.hasStatus) delete rest.status;
  return rest;
}

/**
 * Whether a write bumps metadata.generation. Custom resources and CRDs track it: any change
 * outside metadata (and outside status when status is a subresource) counts
 * (apiextensions-apiserver/pkg/registry/customresource/strategy.go PrepareForUpdate).
 */
export function tracksGeneration(type: ResourceType): boolean {
  return (
    type.custom || (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions')
  );
}

/** Has the spec part changed between two versions of an object? */
export function specChanged(a: KubeObject, b: KubeObject, type: ResourceType): boolean {
  return !jsonEqual(specPart(a, type), specPart(b, type));
}

/** Whether two objects differ in anything but resourceVersion and managedFields timestamps. */
export function meaningfullyEqual(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const c = structuredClone(o);
    delete c.metadata.resourceVersion;
    for (const m of c.metadata.managedFields ?? []) (m as { time?: string }).time = undefined;
    return c;
  };
  return jsonEqual(strip(a), strip(b));
}

/** 422 for an update without resourceVersion where the kind requires one (CR strategy). */
export function missingResourceVersion(type: ResourceType, name: string): ApiError {
  return invalid(type.group, type.kind, name, [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.resourceVersion',
      message: 'Invalid value: 0: must be specified for an update',
    },
  ]);
}

/** 403 for a create in a namespace being deleted (NamespaceLifecycle admission). */
export function namespaceTerminating(type: ResourceType, name: string, namespace: string): ApiError {
  return new ApiError(
    403,
    StatusReason.Forbidden,
    `${type.group ? `${type.plural}.${type.group}` : type.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      group: type.group,
      kind: type.plural,
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
}
