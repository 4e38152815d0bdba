import { describe, expect, it } from 'vitest';
import { ApiError } from '../status-error.js';
import type { KubeObject } from '../types.js';
import { encodeContinue } from './list-options.js';
import { paginate, resolveListStart } from './paginate.js';

const objs = ['a', 'b', 'c'].map((name): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'n' },
}));
const none = { labelSelector: [], fieldSelector: [] };

describe('paginate / resolveListStart (storage list with limit and continue)', () => {
  it('pages through with continue tokens at the first revision', () => {
    const first = paginate(objs, resolveListStart(none, 10, 0), 2);
    expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(first.metadata).toMatchObject({ resourceVersion: '10', remainingItemCount: 1 });
    const token = first.metadata.continue as string;
    const second = paginate(objs, resolveListStart({ ...none, continueToken: token }, 12, 0), 2);
    expect(second.items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(second.metadata).toEqual({ resourceVersion: '10' });
  });

  it('answers 410 for a compacted continue token or Exact resourceVersion, 400 for garbage', () => {
    const gone = (f: () => unknown): number | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof ApiError ? e.code : undefined;
      }
      return undefined;
    };
    expect(gone(() => resolveListStart({ ...none, continueToken: encodeContinue(3, 'n/a') }, 10, 5))).toBe(
      410,
    );
    expect(
      gone(() => resolveListStart({ ...none, resourceVersion: '3', resourceVersionMatch: 'Exact' }, 10, 5)),
    ).toBe(410);
    expect(gone(() => resolveListStart({ ...none, continueToken: '!!' }, 10, 5))).toBe(400);
    expect(resolveListStart({ ...none, resourceVersion: '3' }, 10, 5)).toEqual({ start: '', revision: 10 });
  });
});
