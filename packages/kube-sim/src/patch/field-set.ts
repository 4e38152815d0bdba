import type { Json, JsonObject } from '../api/types.js';
import { isJsonObject, jsonEqual } from '../api/types.js';
import type { JsonSchema, SchemaResolver } from '../schema/json-schema.js';
import { resolveSchema } from '../schema/json-schema.js';

/**
 * A set of field paths as structured-merge-diff tracks them, keyed by the FieldsV1 path elements
 * (`f:spec`, `k:{"name":"a"}`, `v:"x"`, `.`) joined by newlines, each mapped to the JSON of the
 * value found there (so that "same value" can be told from "changed value").
 */
export type FieldSet = Map<string, string>;

const SEP = '\n';

/** Metadata fields that are not owned by anyone (fieldmanager strips them). */
const UNOWNED_METADATA = new Set([
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Which top-level fields a write owns: everything but identity/status as decided by the caller. */
export interface FieldSetOptions {
  /** Leave out `status` (main resource of a kind with a status subresource) or keep only it. */
  scope: 'all' | 'no-status' | 'status-only';
}

/** Compute the field set of an object against its schema. */
export function fieldSetOf(
  obj: JsonObject,
  schema: JsonSchema | undefined,
  resolve: SchemaResolver,
  options: FieldSetOptions,
): FieldSet {
  const out: FieldSet = new Map();
  const s = resolveSchema(schema, resolve);
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || key === 'apiVersion' || key === 'kind') continue;
    if (options.scope === 'no-status' && key === 'status') continue;
    if (options.scope === 'status-only' && key !== 'status' && key !== 'metadata') continue;
    if (key === 'metadata' && isJsonObject(value)) {
      if (options.scope === 'status-only') continue;
      const metaSchema = resolveSchema(s?.properties?.metadata, resolve);
      for (const [mk, mv] of Object.entries(value)) {
        if (UNOWNED_METADATA.has(mk) || mv === undefined) continue;
        collect(
          mv,
          resolveSchema(metaSchema?.properties?.[mk], resolve),
          [`f:metadata`, `f:${mk}`],
          resolve,
          out,
        );
      }
      continue;
    }
    collect(value, resolveSchema(s?.properties?.[key], resolve), [`f:${key}`], resolve, out);
  }
  return out;
}

function collect(
  value: Json,
  schema: JsonSchema | undefined,
  path: string[],
  resolve: SchemaResolver,
  out: FieldSet,
): void {
  if (isJsonObject(value) && schema?.['x-kubernetes-map-type'] !== 'atomic') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.set(path.join(SEP), JSON.stringify(value));
      return;
    }
    for (const [k, v] of entries) {
      const child =
        schema?.properties?.[k] ??
        (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      collect(v as Json, resolveSchema(child, resolve), [...path, `f:${k}`], resolve, out);
    }
    return;
  }
  if (Array.isArray(value)) {
    const listType = schema?.['x-kubernetes-list-type'] ?? 'atomic';
    const keys = schema?.['x-kubernetes-list-map-keys'] ?? [];
    if (listType === 'map' && keys.length > 0 && value.every(isJsonObject)) {
      const itemSchema = resolveSchema(schema?.items, resolve);
      for (const item of value) {
        const keyObj: JsonObject = {};
        for (const k of keys) keyObj[k] = item[k];
        const itemPath = [...path, `k:${JSON.stringify(keyObj)}`];
        out.set([...itemPath, '.'].join(SEP), '');
        collect(item, itemSchema, itemPath, resolve, out);
      }
      return;
    }
    if (listType === 'set') {
      for (const item of value)
        out.set([...path, `v:${JSON.stringify(item)}`].join(SEP), JSON.stringify(item));
      return;
    }
  }
  out.set(path.join(SEP), JSON.stringify(value));
}

/** FieldsV1 JSON of a field set. */
export function toFieldsV1(set: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const path of set) {
    let node = root;
    for (const el of path.split(SEP)) {
      const next = node[el];
      if (isJsonObject(next)) node = next;
      else {
        const created: JsonObject = {};
        node[el] = created;
        node = created;
      }
    }
  }
  return root;
}

/** Paths of a FieldsV1 object (values unknown: empty strings). */
export function fromFieldsV1(
  fields: Json | undefined,
  prefix: string[] = [],
  out: Set<string> = new Set(),
): Set<string> {
  if (!isJsonObject(fields)) return out;
  for (const [k, v] of Object.entries(fields)) {
    const p = [...prefix, k];
    if (k === '.' || !isJsonObject(v) || Object.keys(v).length === 0) out.add(p.join(SEP));
    else fromFieldsV1(v, p, out);
  }
  return out;
}

/** Human form of a path for conflict messages: `.spec.rotation.validity`, `.items[name="a"]`. */
export function describePath(path: string): string {
  let s = '';
  for (const el of path.split(SEP)) {
    if (el.startsWith('f:')) s += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, Json>;
      s += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) s += `[=${el.slice(2)}]`;
  }
  return s;
}

/** Remove the value at a field path from an object, in place (no-op when absent). */
export function removePath(obj: JsonObject, path: string): void {
  const els = path.split(SEP);
  if (els[els.length - 1] === '.') els.pop();
  let parent: Json | undefined = obj;
  for (let i = 0; i < els.length; i++) {
    const el = els[i] ?? '';
    const last = i === els.length - 1;
    if (el.startsWith('f:') && isJsonObject(parent)) {
      if (last) {
        delete parent[el.slice(2)];
        return;
      }
      parent = parent[el.slice(2)];
    } else if ((el.startsWith('k:') || el.startsWith('v:')) && Array.isArray(parent)) {
      const want = JSON.parse(el.slice(2)) as Json;
      const idx = parent.findIndex((item) =>
        el.startsWith('v:')
          ? jsonEqual(item, want)
          : isJsonObject(item) &&
            isJsonObject(want) &&
            Object.entries(want).every(([k, v]) => jsonEqual(item[k], v)),
      );
      if (idx < 0) return;
      if (last) {
        parent.splice(idx, 1);
        return;
      }
      parent = parent[idx];
    } else return;
  }
}
