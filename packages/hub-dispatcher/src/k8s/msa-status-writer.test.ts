import type { ManagedServiceAccount } from '@msa/common';
import { describe, expect, it } from 'vitest';
import { statusAfterTokenReport, statusWithCondition } from './msa-status-writer.js';

const NOW = new Date('2026-02-01T10:00:00.123Z');
const base: ManagedServiceAccount = {
  apiVersion: 'authentication.open-cluster-management.io/v1beta1',
  kind: 'ManagedServiceAccount',
  metadata: { name: 'm1', namespace: 'c1', uid: 'u', generation: 3 },
  spec: { rotation: {} },
};

describe('statusAfterTokenReport', () => {
  it('sets both conditions True with empty messages, the granted expiry and the refresh time', () => {
    const s = statusAfterTokenReport(
      base,
      { expirationTimestamp: new Date('2026-02-02T10:00:00Z'), secretName: 'm1' },
      NOW,
    );
    expect(s.expirationTimestamp).toBe('2026-02-02T10:00:00Z');
    expect(s.tokenSecretRef).toEqual({ name: 'm1', lastRefreshTimestamp: '2026-02-01T10:00:00Z' });
    const byType = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.SecretCreated).toMatchObject({
      status: 'True',
      reason: 'SecretCreated',
      message: '',
      observedGeneration: 3,
    });
    expect(byType.TokenReported).toMatchObject({
      status: 'True',
      reason: 'TokenReported',
      message: '',
      observedGeneration: 3,
    });
    expect(byType.WorkerAvailable).toMatchObject({ status: 'True', reason: 'WorkerHeartbeatReceived' });
  });

  it('keeps lastTransitionTime of conditions that do not flip', () => {
    const first = statusAfterTokenReport(
      base,
      { expirationTimestamp: new Date('2026-02-02T10:00:00Z'), secretName: 'm1' },
      NOW,
    );
    const later = new Date('2026-02-01T12:00:00Z');
    const second = statusAfterTokenReport(
      { ...base, status: first },
      { expirationTimestamp: new Date('2026-02-02T12:00:00Z'), secretName: 'm1' },
      later,
    );
    expect(second.conditions?.map((c) => c.lastTransitionTime)).toEqual(
      first.conditions?.map((c) => c.lastTransitionTime),
    );
    expect(second.tokenSecretRef?.lastRefreshTimestamp).toBe('2026-02-01T12:00:00Z');
  });
});

describe('statusWithCondition', () => {
  it('returns undefined when nothing changes, so no write happens', () => {
    const cond = {
      type: 'TokenReported',
      status: 'False' as const,
      reason: 'ClusterNotFound',
      message: 'no',
      observedGeneration: 3,
    };
    const once = statusWithCondition(base, cond, NOW);
    expect(once).toBeDefined();
    expect(
      statusWithCondition({ ...base, status: once }, cond, new Date(NOW.getTime() + 5000)),
    ).toBeUndefined();
  });
});
