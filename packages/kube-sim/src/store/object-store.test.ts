import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from './object-store.js';

const cm = (name: string, ns = 'a'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
});

describe('ObjectStore', () => {
  it('uses one resourceVersion counter for every resource (etcd revision)', () => {
    const s = new ObjectStore();
    expect(s.create('/configmaps', cm('x')).metadata.resourceVersion).toBe('1');
    expect(s.create('/secrets', cm('x')).metadata.resourceVersion).toBe('2');
    expect(s.update('/configmaps', cm('x')).metadata.resourceVersion).toBe('3');
    expect(s.delete('/configmaps', 'a', 'x')?.metadata.resourceVersion).toBe('4');
    expect(s.currentRevision).toBe(4);
  });

  it('hands out copies, lists sorted and per namespace', () => {
    const s = new ObjectStore();
    s.create('/configmaps', cm('b'));
    s.create('/configmaps', cm('a', 'z'));
    s.create('/configmaps', cm('a'));
    const got = s.get('/configmaps', 'a', 'a');
    if (got) got.metadata.name = 'changed';
    expect(s.get('/configmaps', 'a', 'a')?.metadata.name).toBe('a');
    expect(s.list('/configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'a/a',
      'a/b',
      'z/a',
    ]);
    expect(s.list('/configmaps', 'z')).toHaveLength(1);
  });

  it('keeps a bounded event window; older revisions are no longer resumable', () => {
    const s = new ObjectStore({ eventWindow: 2 });
    s.create('/configmaps', cm('a'));
    s.create('/configmaps', cm('b'));
    s.create('/configmaps', cm('c'));
    expect(s.eventsSince('/configmaps', 0)).toBeUndefined();
    expect(s.eventsSince('/configmaps', 1)?.map((e) => e.object.metadata.name)).toEqual(['b', 'c']);
    s.compact();
    expect(s.eventsSince('/configmaps', 2)).toBeUndefined();
    expect(s.eventsSince('/configmaps', 3)).toEqual([]);
  });
});
