import type { ManagedServiceAccount } from '@msa/common';
import { describe, expect, it } from 'vitest';
import { workerAvailabilityChange } from './worker-health.js';

const NOW = new Date('2026-03-01T00:10:00Z');
function msa(status?: 'True' | 'False'): ManagedServiceAccount {
  return {
    apiVersion: 'authentication.open-cluster-management.io/v1beta1',
    kind: 'ManagedServiceAccount',
    metadata: { name: 'm', namespace: 'c1' },
    status:
      status === undefined
        ? {}
        : {
            conditions: [
              {
                type: 'WorkerAvailable',
                status,
                reason: 'x',
                message: '',
                lastTransitionTime: '2026-03-01T00:00:00Z',
              },
            ],
          },
  };
}
const fresh = new Date(NOW.getTime() - 10_000);
const stale = new Date(NOW.getTime() - 200_000);

describe('workerAvailabilityChange (writes only on flips)', () => {
  it.each([
    ['never heard of the worker', undefined, undefined, undefined],
    ['fresh heartbeat, condition absent', undefined, fresh, undefined],
    ['fresh heartbeat, already True', 'True', fresh, undefined],
    ['fresh heartbeat, was False → True', 'False', fresh, 'WorkerHeartbeatReceived'],
    ['stale, condition absent → False', undefined, stale, 'WorkerHeartbeatMissed'],
    ['stale, was True → False', 'True', stale, 'WorkerHeartbeatMissed'],
    ['stale, already False', 'False', stale, undefined],
  ] as const)('%s', (_what, status, lastSeen, reason) => {
    expect(workerAvailabilityChange(msa(status), lastSeen, NOW, 90_000)?.reason).toBe(reason);
  });

  it('a hub restart is not a worker outage: the timeout counts from the hub start when that is later', () => {
    const hubStart = new Date(NOW.getTime() - 30_000);
    expect(workerAvailabilityChange(msa('True'), stale, NOW, 90_000, hubStart)).toBeUndefined();
    const longAgo = new Date(NOW.getTime() - 100_000);
    expect(workerAvailabilityChange(msa('True'), stale, NOW, 90_000, longAgo)?.reason).toBe(
      'WorkerHeartbeatMissed',
    );
  });

  it('names the time last seen', () => {
    expect(workerAvailabilityChange(msa('True'), stale, NOW, 90_000)?.message).toContain(stale.toISOString());
  });
});
