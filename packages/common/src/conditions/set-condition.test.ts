import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/types.js';
import { conditionsEqual, findCondition, setCondition, toKubeTime } from './set-condition.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T01:00:00.000Z');

const reported: Condition = {
  type: 'TokenReported',
  status: 'True',
  reason: 'TokenReported',
  message: '',
  lastTransitionTime: '2026-01-01T00:00:00Z',
};
const created: Condition = { ...reported, type: 'SecretCreated', reason: 'SecretCreated' };

describe('setCondition', () => {
  it('formats times like metav1.Time: UTC, whole seconds', () => {
    expect(toKubeTime(t0)).toBe('2026-01-01T00:00:00Z');
  });

  it('appends a new condition with lastTransitionTime = now', () => {
    expect(setCondition(undefined, { type: 'X', status: 'True', reason: 'R', message: '' }, t0)).toEqual([
      { type: 'X', status: 'True', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
  });

  it('upstream: keeps lastTransitionTime when status does not flip, but updates reason and message', () => {
    const next = setCondition(
      [reported],
      { ...reported, reason: 'Other', message: 'm', observedGeneration: 3 },
      t1,
    );
    expect(next).toEqual([{ ...reported, reason: 'Other', message: 'm', observedGeneration: 3 }]);
  });

  it('upstream: lastTransitionTime changes when status flips', () => {
    const next = setCondition(
      [created, reported],
      { ...reported, status: 'False', reason: 'TokenReportFailed', message: 'boom' },
      t1,
    );
    expect(next).toEqual([
      created,
      {
        ...reported,
        status: 'False',
        reason: 'TokenReportFailed',
        message: 'boom',
        lastTransitionTime: '2026-01-01T01:00:00Z',
      },
    ]);
  });

  it('does not mutate its input and keeps the order of other conditions', () => {
    const input = [created, reported];
    const copy = structuredClone(input);
    const next = setCondition(input, { ...created, status: 'False' }, t1);
    expect(input).toEqual(copy);
    expect(next.map((c) => c.type)).toEqual(['SecretCreated', 'TokenReported']);
  });

  it('drops an undefined observedGeneration rather than writing it', () => {
    const [c] = setCondition(
      [],
      { type: 'X', status: 'True', reason: 'R', message: '', observedGeneration: undefined },
      t0,
    );
    expect(c !== undefined && 'observedGeneration' in c).toBe(false);
  });

  it('findCondition finds by type', () => {
    expect(findCondition([created, reported], 'TokenReported')).toBe(reported);
    expect(findCondition(undefined, 'TokenReported')).toBeUndefined();
  });

  it.each<[string, Condition[] | undefined, Condition[] | undefined, boolean]>([
    ['both empty', undefined, [], true],
    ['same, other order', [created, reported], [reported, created], true],
    ['different message', [reported], [{ ...reported, message: 'x' }], false],
    ['different time', [reported], [{ ...reported, lastTransitionTime: 'x' }], false],
    ['different length', [reported], [reported, created], false],
    ['different generation', [reported], [{ ...reported, observedGeneration: 1 }], false],
  ])('conditionsEqual: %s', (_name, a, b, want) => {
    expect(conditionsEqual(a, b)).toBe(want);
  });
});
