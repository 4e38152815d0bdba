import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import type { FieldSet } from './field-set.js';
import { fromFieldsV1, toFieldsV1 } from './field-set.js';

/** A manager's entry with its field paths decoded. */
export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time: string;
  paths: Set<string>;
}

/** Decode metadata.managedFields. */
export function readManagedFields(obj: KubeObject): ManagerFields[] {
  return (obj.metadata.managedFields ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    subresource: e.subresource ?? '',
    time: e.time,
    paths: fromFieldsV1(e.fieldsV1),
  }));
}

/** Encode manager entries back into metadata.managedFields (dropping empty ones). */
export function writeManagedFields(obj: KubeObject, managers: ManagerFields[]): void {
  const entries: ManagedFieldsEntry[] = managers
    .filter((m) => m.paths.size > 0)
    .map((m) => {
      const e: ManagedFieldsEntry = {
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
        time: m.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1([...m.paths].sort()),
      };
      if (m.subresource) e.subresource = m.subresource;
      return e;
    });
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/** Identifies the manager entry a write is recorded under. */
export interface WriteIdentity {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  now: string;
}

function sameEntry(m: ManagerFields, id: WriteIdentity): boolean {
  return m.manager === id.manager && m.operation === id.operation && m.subresource === id.subresource;
}

/**
 * Ownership after a non-apply write (create, update, patch), as fieldmanager's update manager does:
 * the writer takes every field it added or changed, other managers lose those fields, and fields
 * that disappeared are owned by nobody.
 */
export function recordUpdate(
  managers: ManagerFields[],
  before: FieldSet,
  after: FieldSet,
  id: WriteIdentity,
): ManagerFields[] {
  const changed = new Set<string>();
  for (const [path, value] of after) if (before.get(path) !== value) changed.add(path);
  const removed = new Set<string>([...before.keys()].filter((p) => !after.has(p)));
  const result: ManagerFields[] = [];
  let mine: ManagerFields | undefined;
  for (const m of managers) {
    const paths = new Set(
      [...m.paths].filter((p) => !removed.has(p) && (sameEntry(m, id) || !changed.has(p))),
    );
    const copy = { ...m, paths };
    if (sameEntry(m, id)) mine = copy;
    result.push(copy);
  }
  if (changed.size === 0 && !mine) return result;
  if (!mine) {
    mine = {
      manager: id.manager,
      operation: id.operation,
      apiVersion: id.apiVersion,
      subresource: id.subresource,
      time: id.now,
      paths: new Set(),
    };
    result.push(mine);
  }
  for (const p of changed) mine.paths.add(p);
  if (changed.size > 0) {
    mine.time = id.now;
    mine.apiVersion = id.apiVersion;
  }
  return result;
}
