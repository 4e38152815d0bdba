import type { Json } from '../api/types.js';
import type { JsonSchema } from './json-schema.js';

// Small constructors so the built-in schemas read like the Go types they mirror.

/** A string field. */
export const str = (description?: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
/** An int32/int64 field. */
export const int = (format: 'int32' | 'int64' = 'int32'): JsonSchema => ({ type: 'integer', format });
/** A boolean field. */
export const bool = (): JsonSchema => ({ type: 'boolean' });
/** An RFC 3339 timestamp (metav1.Time). */
export const time = (): JsonSchema => ({ type: 'string', format: 'date-time' });
/** map[string]string. */
export const stringMap = (): JsonSchema => ({ type: 'object', additionalProperties: { type: 'string' } });
/** A struct. */
export const obj = (properties: Record<string, JsonSchema>, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  properties,
  ...extra,
});
/** An atomic list. */
export const list = (items: JsonSchema, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'array',
  items,
  ...extra,
});
/** A list merged by key in strategic merge patch (patchStrategy=merge, patchMergeKey=key). */
export const mergeList = (items: JsonSchema, key: string): JsonSchema => ({
  type: 'array',
  items,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
});
/** A set of primitives merged in strategic merge patch (patchStrategy=merge). */
export const mergeSet = (items: JsonSchema): JsonSchema => ({
  type: 'array',
  items,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-list-type': 'set',
});
/** A reference to an OpenAPI component. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
/** Free-form JSON kept as is. */
export const anyJson = (): JsonSchema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
/** A string restricted to a set of values. */
export const oneOf = (values: Json[]): JsonSchema => ({ type: 'string', enum: values });
