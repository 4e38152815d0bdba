import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { DeleteServiceAccountJobSchema, ReconcileJobSchema, SweepJobSchema } from './job-schemas.js';

const reconcile = {
  cluster: 'c1',
  namespace: 'c1',
  name: 'm1',
  uid: 'u1',
  expirationSeconds: 31_104_000,
  mintReason: null,
  verify: true,
  enqueuedAt: '2026-01-01T00:00:00Z',
};

describe('job payload schemas', () => {
  it.each<[string, unknown]>([
    ['minimal', reconcile],
    [
      'with a mint reason and rotate token',
      { ...reconcile, mintReason: 'ForcedRotation', rotateToken: 'r1', verify: false },
    ],
    ['worker reason TokenReviewFailed', { ...reconcile, mintReason: 'TokenReviewFailed' }],
  ])('reconcile accepts %s', (_name, payload) => {
    expect(Value.Check(ReconcileJobSchema, payload)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['unknown mint reason', { ...reconcile, mintReason: 'Because' }],
    ['a token (never in a payload)', { ...reconcile, token: 'eyJ...' }],
    ['zero lifetime', { ...reconcile, expirationSeconds: 0 }],
    ['fractional lifetime', { ...reconcile, expirationSeconds: 1.5 }],
    ['bad date', { ...reconcile, enqueuedAt: 'yesterday' }],
    ['missing uid', { ...reconcile, uid: undefined }],
    ['empty name', { ...reconcile, name: '' }],
  ])('reconcile rejects %s', (_name, payload) => {
    expect(Value.Check(ReconcileJobSchema, payload)).toBe(false);
  });

  it('delete-service-account and sweep', () => {
    const del = { cluster: 'c1', namespace: 'c1', name: 'm1', uid: 'u1', enqueuedAt: '2026-01-01T00:00:00Z' };
    expect(Value.Check(DeleteServiceAccountJobSchema, del)).toBe(true);
    expect(Value.Check(DeleteServiceAccountJobSchema, { ...del, uid: '' })).toBe(false);
    const sweep = { cluster: 'c1', reason: 'worker-start', enqueuedAt: '2026-01-01T00:00:00Z' };
    expect(Value.Check(SweepJobSchema, sweep)).toBe(true);
    expect(Value.Check(SweepJobSchema, { ...sweep, extra: 1 })).toBe(false);
  });
});
