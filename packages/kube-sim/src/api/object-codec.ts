import type { JsonSchema, SchemaResolver } from '../schema/json-schema.js';
import { applySchemaDefaults } from '../schema/defaults.js';
import type { ResourceType, ResourceVersion } from './resource-type.js';
import { apiVersionOf } from './resource-type.js';
import type { KubeObject } from './types.js';

/**
 * Present a stored object in the requested version. Conversion of CRDs is `None` (the apiVersion
 * is rewritten) and OpenAPI defaults are applied on read, as apiextensions-apiserver's codec does.
 */
export function toVersion(
  obj: KubeObject,
  type: ResourceType,
  version: ResourceVersion,
  resolve: SchemaResolver,
): KubeObject {
  const out = structuredClone(obj);
  out.apiVersion = apiVersionOf(type.group, version.name);
  out.kind = type.kind;
  if (type.custom && version.schema) applySchemaDefaults(out, version.schema, resolve);
  return orderEnvelope(out);
}

/** Put apiVersion, kind, metadata first, as Go's struct order does in JSON. */
export function orderEnvelope(obj: KubeObject): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata, ...rest };
}

/** Schema of a version, if any. */
export function schemaOf(version: ResourceVersion): JsonSchema | undefined {
  return version.schema;
}
