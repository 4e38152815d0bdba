import type { Json, JsonObject } from '../api/types.js';
import { isJsonObject, jsonEqual } from '../api/types.js';
import type { JsonSchema, SchemaResolver } from '../schema/json-schema.js';
import { resolveSchema } from '../schema/json-schema.js';

/** A strategic merge patch that cannot be applied (400/422 upstream). */
export class StrategicMergeError extends Error {}

const DIRECTIVE = '$patch';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/**
 * Apply a strategic merge patch (apimachinery/pkg/util/strategicpatch) using the patch metadata of
 * the schema: lists with `x-kubernetes-patch-strategy: merge` are merged by their
 * `x-kubernetes-patch-merge-key` (or as sets of primitives), other lists are replaced; maps merge
 * and `null` deletes; `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/` and
 * `$setElementOrder/` directives are honoured.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  schema: JsonSchema | undefined,
  resolve: SchemaResolver,
): JsonObject {
  const out = mergeMap(structuredClone(original), patch, schema, resolve);
  return out ?? {};
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  rawSchema: JsonSchema | undefined,
  resolve: SchemaResolver,
): JsonObject | undefined {
  const schema = resolveSchema(rawSchema, resolve);
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const copy = structuredClone(patch);
    delete copy[DIRECTIVE];
    return stripDirectives(copy);
  }
  if (directive !== undefined && directive !== 'merge') {
    throw new StrategicMergeError(`Unknown patch type: ${JSON.stringify(directive)}`);
  }
  const result = original;
  const retain = patch[RETAIN_KEYS];
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || value === undefined)
      continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((v) => !value.some((d) => jsonEqual(d, v)));
      }
      continue;
    }
    const propSchema = childSchema(schema, key, resolve);
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (isJsonObject(value)) {
      const merged = mergeMap(isJsonObject(current) ? current : {}, value, propSchema, resolve);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(Array.isArray(current) ? current : [], value, propSchema, resolve);
    } else {
      result[key] = value;
    }
  }
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function childSchema(
  schema: JsonSchema | undefined,
  key: string,
  resolve: SchemaResolver,
): JsonSchema | undefined {
  if (!schema) return undefined;
  const p =
    schema.properties?.[key] ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
  return resolveSchema(p, resolve);
}

function mergeList(
  original: Json[],
  patch: Json[],
  rawSchema: JsonSchema | undefined,
  resolve: SchemaResolver,
): Json[] {
  const schema = resolveSchema(rawSchema, resolve);
  const strategy = schema?.['x-kubernetes-patch-strategy'] ?? '';
  const replaceDirective = patch.find((p) => isJsonObject(p) && p[DIRECTIVE] === 'replace');
  if (replaceDirective !== undefined)
    return patch.filter((p) => p !== replaceDirective).map(stripDirectivesJson);
  if (!strategy.split(',').includes('merge')) return patch.map(stripDirectivesJson);
  const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
  if (!mergeKey) {
    // A set of primitives: union, keeping the original order then the new values.
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return out;
  }
  const itemSchema = resolveSchema(schema?.items, resolve);
  const out = [...original];
  for (const item of patch) {
    if (!isJsonObject(item)) throw new StrategicMergeError(`mergeKey ${mergeKey} requires object items`);
    const keyValue = item[mergeKey];
    if (keyValue === undefined) {
      throw new StrategicMergeError(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
      );
    }
    const idx = out.findIndex((o) => isJsonObject(o) && jsonEqual(o[mergeKey], keyValue));
    if (item[DIRECTIVE] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const existing = out[idx];
      const merged = mergeMap(isJsonObject(existing) ? existing : {}, item, itemSchema, resolve);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(structuredClone(item)));
    }
  }
  return out;
}

function stripDirectivesJson(value: Json): Json {
  return isJsonObject(value) ? stripDirectives(structuredClone(value)) : value;
}

function stripDirectives(obj: JsonObject): JsonObject {
  for (const key of Object.keys(obj)) {
    if (
      key === DIRECTIVE ||
      key === RETAIN_KEYS ||
      key.startsWith(SET_ORDER) ||
      key.startsWith(DELETE_PRIMITIVE)
    ) {
      delete obj[key];
      continue;
    }
    const v = obj[key];
    if (isJsonObject(v)) stripDirectives(v);
    else if (Array.isArray(v)) obj[key] = v.map(stripDirectivesJson);
  }
  return obj;
}
