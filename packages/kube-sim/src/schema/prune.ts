import type { Json, JsonObject } from '../api/types.js';
import { isJsonObject } from '../api/types.js';
import type { JsonSchema, SchemaResolver } from './json-schema.js';
import { resolveSchema } from './json-schema.js';

const ROOT_KEEP = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Remove the fields a structural schema does not declare, in place, and return their paths
 * (`spec.foo`), as apiextensions-apiserver/pkg/apiserver/schema/pruning does. The same walk tells
 * strict field validation which fields are unknown. Objects marked
 * `x-kubernetes-preserve-unknown-fields` keep their unknown fields.
 */
export function pruneUnknownFields(root: JsonObject, schema: JsonSchema, resolve: SchemaResolver): string[] {
  const pruned: string[] = [];
  walk(root, schema, '', resolve, pruned, true);
  return pruned;
}

function walk(
  value: Json | undefined,
  rawSchema: JsonSchema | undefined,
  path: string,
  resolve: SchemaResolver,
  pruned: string[],
  isRoot: boolean,
): void {
  const schema = resolveSchema(rawSchema, resolve);
  if (!schema || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    // Paths of list items carry no index, as the strict decoder reports them.
    for (const item of value) walk(item, schema.items, path, resolve, pruned, false);
    return;
  }
  if (!isJsonObject(value)) return;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const additional = schema.additionalProperties;
  for (const key of Object.keys(value)) {
    const child = value[key];
    const childPath = path ? `${path}.${key}` : key;
    const prop = schema.properties?.[key];
    if (prop) {
      walk(child, prop, childPath, resolve, pruned, false);
    } else if (typeof additional === 'object') {
      walk(child, additional, childPath, resolve, pruned, false);
    } else if ((isRoot || embedded) && ROOT_KEEP.has(key)) {
      continue;
    } else if (!preserve && additional !== true) {
      delete value[key];
      pruned.push(childPath);
    }
  }
}
