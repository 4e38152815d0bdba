import type { Json, JsonObject } from '../api/types.js';
import { isJsonObject } from '../api/types.js';
import type { JsonSchema, SchemaResolver } from './json-schema.js';
import { resolveSchema } from './json-schema.js';

/**
 * Apply OpenAPI `default`s in place, top-down, as apiextensions-apiserver/pkg/apiserver/schema/defaulting
 * does: an absent property with a default gets a copy of it, then its children are defaulted too.
 * A property explicitly set to null keeps null unless the schema is not nullable, in which case the
 * default replaces it (structural defaulting of nulls).
 */
export function applySchemaDefaults(
  value: Json | undefined,
  rawSchema: JsonSchema | undefined,
  resolve: SchemaResolver,
): void {
  const schema = resolveSchema(rawSchema, resolve);
  if (!schema || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) applySchemaDefaults(item, schema.items, resolve);
    return;
  }
  if (!isJsonObject(value)) return;
  const obj: JsonObject = value;
  for (const [key, propRaw] of Object.entries(schema.properties ?? {})) {
    const prop = resolveSchema(propRaw, resolve);
    if (!prop) continue;
    if (
      prop.default !== undefined &&
      (obj[key] === undefined || (obj[key] === null && prop.nullable !== true))
    ) {
      obj[key] = structuredClone(prop.default);
    }
    applySchemaDefaults(obj[key], prop, resolve);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(obj)) {
      if (!schema.properties?.[key]) applySchemaDefaults(obj[key], schema.additionalProperties, resolve);
    }
  }
}
