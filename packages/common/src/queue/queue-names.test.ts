import { describe, expect, it } from 'vitest';
import { dedupIdForMsa, JobName, QUEUE_PREFIX, queueNameForCluster, rotationJobId } from './queue-names.js';

describe('queue names', () => {
  it('prefix and job names as docs/internal-contracts.md lists them', () => {
    expect(QUEUE_PREFIX).toBe('msa');
    expect(JobName).toEqual({
      Reconcile: 'reconcile',
      DeleteServiceAccount: 'delete-service-account',
      Sweep: 'sweep',
    });
  });

  it.each([
    ['c1', '{c1}'],
    ['cluster-a', '{cluster-a}'],
  ])('queueNameForCluster(%j) is a Redis Cluster hash tag: %s', (cluster, want) => {
    expect(queueNameForCluster(cluster)).toBe(want);
  });

  it.each<[string, string, string, string]>([
    ['c1', 'm1', 'msa.c1.m1', 'rotate.c1.m1'],
    ['c1', 'a.b', 'msa.c1.a.b', 'rotate.c1.a.b'],
  ])('ids for %s/%s contain no ":" (BullMQ key separator)', (ns, name, dedup, rotation) => {
    expect(dedupIdForMsa(ns, name)).toBe(dedup);
    expect(rotationJobId(ns, name)).toBe(rotation);
    expect(dedupIdForMsa(ns, name)).not.toContain(':');
    expect(rotationJobId(ns, name)).not.toContain(':');
  });

  it('ids of different MSAs never collide (namespaces have no dots)', () => {
    expect(dedupIdForMsa('c1', 'x.y')).not.toBe(dedupIdForMsa('c1x', 'y'));
    expect(rotationJobId('c1', 'm1')).not.toBe(dedupIdForMsa('c1', 'm1'));
  });
});
