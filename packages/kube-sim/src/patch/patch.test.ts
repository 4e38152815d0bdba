import { describe, expect, it } from 'vitest';
import { mergeList, obj, str } from '../schema/builders.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const none = (): undefined => undefined;

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, deletes with null, replaces lists', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });
});

describe('applyJsonPatch (RFC 6902, evanphx/json-patch)', () => {
  it('applies add/remove/replace/move/copy/test', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/a/1' },
      { op: 'replace', path: '/b/c', value: 2 },
      { op: 'copy', from: '/b', path: '/d' },
      { op: 'move', from: '/d/c', path: '/e' },
      { op: 'test', path: '/e', value: 2 },
    ]);
    expect(out).toEqual({ a: [0, 2, 3], b: { c: 2 }, d: {}, e: 2 });
    expect(doc).toEqual({ a: [1, 2], b: { c: 1 } });
  });
  it('fails on a missing path and a failed test', () => {
    expect(() => applyJsonPatch({}, [{ op: 'replace', path: '/x', value: 1 }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch({ x: 1 }, [{ op: 'test', path: '/x', value: 2 }])).toThrow('test failed');
  });
});

describe('applyStrategicMergePatch (apimachinery/pkg/util/strategicpatch)', () => {
  const schema: JsonSchema = obj({
    metadata: obj({
      ownerReferences: mergeList(obj({ uid: str(), name: str() }), 'uid'),
      finalizers: { type: 'array', items: str(), 'x-kubernetes-patch-strategy': 'merge' },
    }),
    plain: { type: 'array', items: str() },
  });
  it('merges lists by merge key and as sets; replaces other lists', () => {
    const original = {
      metadata: {
        ownerReferences: [
          { uid: '1', name: 'a' },
          { uid: '2', name: 'b' },
        ],
        finalizers: ['x'],
      },
      plain: ['p'],
    };
    const out = applyStrategicMergePatch(
      original,
      {
        metadata: {
          ownerReferences: [
            { uid: '2', name: 'B' },
            { uid: '3', name: 'c' },
          ],
          finalizers: ['y'],
        },
        plain: ['q'],
      },
      schema,
      none,
    );
    expect(out).toEqual({
      metadata: {
        ownerReferences: [
          { uid: '1', name: 'a' },
          { uid: '2', name: 'B' },
          { uid: '3', name: 'c' },
        ],
        finalizers: ['x', 'y'],
      },
      plain: ['q'],
    });
  });
  it('honours $patch: delete in keyed lists, $patch: replace on maps and $deleteFromPrimitiveList', () => {
    const original = {
      metadata: { ownerReferences: [{ uid: '1' }, { uid: '2' }], finalizers: ['x', 'y'] },
      spec: { a: 1, b: 2 },
    };
    const out = applyStrategicMergePatch(
      original,
      {
        metadata: {
          ownerReferences: [{ uid: '1', $patch: 'delete' }],
          '$deleteFromPrimitiveList/finalizers': ['x'],
        },
        spec: { $patch: 'replace', c: 3 },
      },
      schema,
      none,
    );
    expect(out).toEqual({ metadata: { ownerReferences: [{ uid: '2' }], finalizers: ['y'] }, spec: { c: 3 } });
  });
});
