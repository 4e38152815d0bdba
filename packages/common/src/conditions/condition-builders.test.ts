import { describe, expect, it } from 'vitest';
import {
  clusterNotFoundCondition,
  invalidSpecCondition,
  secretCreatedCondition,
  tokenReportFailedCondition,
  tokenReportedCondition,
  workerAvailableCondition,
  workerHeartbeatMissedCondition,
} from './condition-builders.js';
import { setCondition } from './set-condition.js';

describe('condition builders', () => {
  it('upstream: SecretCreated is True/SecretCreated with an empty message', () => {
    expect(secretCreatedCondition()).toEqual({
      type: 'SecretCreated',
      status: 'True',
      reason: 'SecretCreated',
      message: '',
    });
  });

  it('upstream: SecretCreated never set False (no builder for it produces False)', () => {
    expect(secretCreatedCondition(2).status).toBe('True');
    for (const c of [
      tokenReportFailedCondition('x'),
      clusterNotFoundCondition('c'),
      invalidSpecCondition('x'),
    ]) {
      expect(c.type).not.toBe('SecretCreated');
    }
  });

  it('upstream: TokenReported True has reason TokenReported and an empty message', () => {
    expect(tokenReportedCondition(4)).toEqual({
      type: 'TokenReported',
      status: 'True',
      reason: 'TokenReported',
      message: '',
      observedGeneration: 4,
    });
  });

  it('upstream: spoke failures are TokenReported False/TokenReportFailed with the error text', () => {
    expect(tokenReportFailedCondition('serviceaccounts "m1" is forbidden')).toEqual({
      type: 'TokenReported',
      status: 'False',
      reason: 'TokenReportFailed',
      message: 'serviceaccounts "m1" is forbidden',
    });
  });

  it('ours (upstream issue #90): ClusterNotFound names the namespace and says no ManagedCluster exists', () => {
    const c = clusterNotFoundCondition('not-a-cluster');
    expect(c).toMatchObject({ type: 'TokenReported', status: 'False', reason: 'ClusterNotFound' });
    expect(c.message).toContain('"not-a-cluster"');
    expect(c.message).toContain('no ManagedCluster');
  });

  it('ours: InvalidSpec keeps the message', () => {
    expect(invalidSpecCondition('spec.rotation.validity "30d" ...')).toMatchObject({
      type: 'TokenReported',
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.rotation.validity "30d" ...',
    });
  });

  it('ours: WorkerAvailable True does not change between heartbeats (no status churn)', () => {
    const first = setCondition([], workerAvailableCondition(), new Date('2026-01-01T00:00:00Z'));
    const second = setCondition(first, workerAvailableCondition(), new Date('2026-01-01T00:05:00Z'));
    expect(second).toEqual(first);
    expect(first[0]).toMatchObject({
      type: 'WorkerAvailable',
      status: 'True',
      reason: 'WorkerHeartbeatReceived',
    });
  });

  it('ours: WorkerHeartbeatMissed says when the worker was last seen', () => {
    const c = workerHeartbeatMissedCondition(new Date('2026-01-01T00:00:00Z'));
    expect(c).toMatchObject({ type: 'WorkerAvailable', status: 'False', reason: 'WorkerHeartbeatMissed' });
    expect(c.message).toContain('2026-01-01T00:00:00.000Z');
    expect(workerHeartbeatMissedCondition(undefined).message).toContain('no heartbeat received');
  });
});
