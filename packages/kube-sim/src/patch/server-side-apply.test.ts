import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../api/types.js';
import { mergeList, obj, str, stringMap } from '../schema/builders.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { fieldSetOf, fromFieldsV1, toFieldsV1 } from './field-set.js';
import type { ManagerFields } from './managed-fields.js';
import { recordUpdate } from './managed-fields.js';
import { serverSideApply } from './server-side-apply.js';

const none = (): undefined => undefined;
const schema: JsonSchema = obj({
  metadata: obj({ labels: stringMap() }),
  data: stringMap(),
  items: mergeList(obj({ name: str(), v: str() }), 'name'),
});
const fs = (o: JsonObject): Map<string, string> => fieldSetOf(o, schema, none, { scope: 'all' });
const id = (manager: string) => ({
  manager,
  operation: 'Apply' as const,
  apiVersion: 'v1',
  subresource: '',
  now: 't',
});

function apply(
  live: JsonObject,
  applied: JsonObject,
  managers: ManagerFields[],
  manager: string,
  force = false,
) {
  return serverSideApply({
    live,
    liveFields: fs(live),
    applied,
    appliedFields: fs(applied),
    managers,
    id: id(manager),
    force,
    schema,
    resolve: none,
  });
}

describe('field sets (structured-merge-diff FieldsV1)', () => {
  it('encodes keyed list items with k: and . and round-trips through FieldsV1', () => {
    const set = fs({ metadata: { name: 'x', labels: { a: '1' } }, items: [{ name: 'i', v: '1' }] });
    expect([...set.keys()].sort()).toEqual([
      'f:items\nk:{"name":"i"}\n.',
      'f:items\nk:{"name":"i"}\nf:name',
      'f:items\nk:{"name":"i"}\nf:v',
      'f:metadata\nf:labels\nf:a',
    ]);
    expect(toFieldsV1(set.keys())).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:items': { 'k:{"name":"i"}': { '.': {}, 'f:name': {}, 'f:v': {} } },
    });
    expect([...fromFieldsV1(toFieldsV1(set.keys()))].sort()).toEqual([...set.keys()].sort());
  });
});

describe('serverSideApply (apimachinery/pkg/util/managedfields)', () => {
  it('merges keyed lists, detects conflicts, forces, and removes dropped fields nobody else owns', () => {
    const first = apply(
      { data: {} },
      { data: { a: '1', b: '1' }, items: [{ name: 'x', v: '1' }] },
      [],
      'one',
    );
    if (!first.ok) throw new Error('unexpected conflict');
    const conflict = apply(first.object, { data: { a: '2' } }, first.managers, 'two');
    expect(conflict.ok).toBe(false);
    if (!conflict.ok) expect(conflict.conflicts.map((c) => c.manager)).toEqual(['one']);
    const same = apply(first.object, { data: { a: '1' } }, first.managers, 'two');
    expect(same.ok).toBe(true);
    const forced = apply(
      first.object,
      { data: { a: '2' }, items: [{ name: 'y', v: '2' }] },
      first.managers,
      'two',
      true,
    );
    if (!forced.ok) throw new Error('force must succeed');
    expect(forced.object).toEqual({
      data: { a: '2', b: '1' },
      items: [
        { name: 'x', v: '1' },
        { name: 'y', v: '2' },
      ],
    });
    const dropped = apply(forced.object, { data: { b: '1' } }, forced.managers, 'one');
    if (!dropped.ok) throw new Error('no conflict expected');
    expect(dropped.object).toEqual({ data: { a: '2', b: '1' }, items: [{ name: 'y', v: '2' }] });
  });
});

describe('recordUpdate (fieldmanager update manager)', () => {
  it('gives changed fields to the writer and takes them from others', () => {
    const before = fs({ data: { a: '1', b: '1' } });
    const after = fs({ data: { a: '2', b: '1', c: '1' } });
    const managers: ManagerFields[] = [
      {
        manager: 'one',
        operation: 'Apply',
        apiVersion: 'v1',
        subresource: '',
        time: 't',
        paths: new Set(before.keys()),
      },
    ];
    const out = recordUpdate(managers, before, after, {
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'v1',
      subresource: '',
      now: 'u',
    });
    expect([...(out[0]?.paths ?? [])]).toEqual(['f:data\nf:b']);
    expect([...(out[1]?.paths ?? [])].sort()).toEqual(['f:data\nf:a', 'f:data\nf:c']);
  });
});
