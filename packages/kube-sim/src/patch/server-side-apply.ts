import type { Json, JsonObject } from '../api/types.js';
import { isJsonObject, jsonEqual } from '../api/types.js';
import type { JsonSchema, SchemaResolver } from '../schema/json-schema.js';
import { resolveSchema } from '../schema/json-schema.js';
import type { FieldSet } from './field-set.js';
import { describePath, removePath } from './field-set.js';
import type { ManagerFields, WriteIdentity } from './managed-fields.js';

/** A field owned by another manager that an apply would change. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  path: string;
}

/** Result of {@link serverSideApply}. */
export type ApplyOutcome =
  { ok: true; object: JsonObject; managers: ManagerFields[] } | { ok: false; conflicts: ApplyConflict[] };

/**
 * Merge an applied configuration into the live object the way structured-merge-diff does: maps
 * merge, lists marked `x-kubernetes-list-type: map` merge by key, sets union, anything else is
 * replaced.
 */
export function structuredMerge(
  live: Json | undefined,
  applied: Json,
  rawSchema: JsonSchema | undefined,
  resolve: SchemaResolver,
): Json {
  const schema = resolveSchema(rawSchema, resolve);
  if (isJsonObject(applied) && schema?.['x-kubernetes-map-type'] !== 'atomic') {
    const out: JsonObject = isJsonObject(live) ? structuredClone(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === undefined) continue;
      const child =
        schema?.properties?.[k] ??
        (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[k] = structuredMerge(out[k], v, child, resolve);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const listType = schema?.['x-kubernetes-list-type'];
    const keys = schema?.['x-kubernetes-list-map-keys'] ?? [];
    if (listType === 'map' && keys.length > 0) {
      const out = structuredClone(live);
      for (const item of applied) {
        if (!isJsonObject(item)) continue;
        const idx = out.findIndex((o) => isJsonObject(o) && keys.every((k) => jsonEqual(o[k], item[k])));
        if (idx >= 0) out[idx] = structuredMerge(out[idx], item, schema?.items, resolve);
        else out.push(structuredClone(item));
      }
      return out;
    }
    if (listType === 'set') {
      const out = structuredClone(live);
      for (const item of applied) if (!out.some((o) => jsonEqual(o, item))) out.push(item);
      return out;
    }
  }
  return structuredClone(applied);
}

/**
 * Server-side apply (staging/src/k8s.io/apimachinery/pkg/util/managedfields): merge the applied
 * configuration, report conflicts with other managers whose fields would change (unless forced,
 * in which case they lose those fields), and remove the fields this manager applied before but
 * no longer sends and nobody else owns.
 */
export function serverSideApply(params: {
  live: JsonObject;
  liveFields: FieldSet;
  applied: JsonObject;
  appliedFields: FieldSet;
  managers: ManagerFields[];
  id: WriteIdentity;
  force: boolean;
  schema: JsonSchema | undefined;
  resolve: SchemaResolver;
}): ApplyOutcome {
  const { live, liveFields, applied, appliedFields, id, force } = params;
  const isMine = (m: ManagerFields): boolean =>
    m.manager === id.manager && m.operation === 'Apply' && m.subresource === id.subresource;
  const conflicts: ApplyConflict[] = [];
  const managers = params.managers.map((m) => ({ ...m, paths: new Set(m.paths) }));
  for (const m of managers) {
    if (isMine(m) || m.subresource !== id.subresource) continue;
    for (const p of m.paths) {
      if (!appliedFields.has(p) || p.endsWith('\n.')) continue;
      const liveValue = liveFields.get(p);
      if (liveValue !== undefined && liveValue !== appliedFields.get(p)) {
        conflicts.push({ manager: m.manager, apiVersion: m.apiVersion, path: p });
      }
    }
  }
  if (conflicts.length > 0 && !force) return { ok: false, conflicts };
  for (const c of conflicts)
    for (const m of managers) if (m.manager === c.manager && !isMine(m)) m.paths.delete(c.path);

  const merged = structuredMerge(live, applied, params.schema, params.resolve) as JsonObject;
  const previous = managers.find(isMine);
  if (previous) {
    const othersOwn = (p: string): boolean => managers.some((m) => !isMine(m) && m.paths.has(p));
    for (const p of previous.paths) {
      if (!appliedFields.has(p) && !othersOwn(p)) removePath(merged, p);
    }
  }
  const mine: ManagerFields = {
    manager: id.manager,
    operation: 'Apply',
    apiVersion: id.apiVersion,
    subresource: id.subresource,
    time: id.now,
    paths: new Set(appliedFields.keys()),
  };
  const others = managers.filter((m) => !isMine(m));
  return {
    ok: true,
    object: merged,
    managers: previous ? managers.map((m) => (isMine(m) ? mine : m)) : [...others, mine],
  };
}

/** The message of a 409 apply conflict (fieldmanager/internal/conflict.go). */
export function conflictMessage(conflicts: ApplyConflict[]): {
  message: string;
  causes: Array<{ reason: string; message: string; field: string }>;
} {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: describePath(c.path),
  }));
  if (conflicts.length === 1 && conflicts[0]) {
    const c = conflicts[0];
    return {
      message: `Apply failed with 1 conflict: conflict with "${c.manager}" using ${c.apiVersion}: ${describePath(c.path)}`,
      causes,
    };
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const k = `conflicts with "${c.manager}" using ${c.apiVersion}`;
    byManager.set(k, [...(byManager.get(k) ?? []), describePath(c.path)]);
  }
  const parts = [...byManager.entries()].map(
    ([k, paths]) => `${k}:\n${paths.map((p) => `- ${p}`).join('\n')}`,
  );
  return { message: `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`, causes };
}
