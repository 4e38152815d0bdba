import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';
import { evaluateJsonPath } from './json-path.js';

describe('evaluateJsonPath (printer column subset of k8s.io/client-go/util/jsonpath)', () => {
  const obj = {
    status: {
      conditions: [
        { type: 'A', status: 'True' },
        { type: 'B', status: 'False' },
      ],
    },
    spec: { list: [1, 2] },
  };
  it.each([
    ['.status.conditions[?(@.type=="B")].status', ['False']],
    ['{.status.conditions[0].type}', ['A']],
    ['.status.conditions[*].type', ['A', 'B']],
    ['.spec.list[-1]', [2]],
    ['.spec.missing', []],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(obj, path)).toEqual(expected);
  });
});

describe('humanDuration (apimachinery/pkg/util/duration)', () => {
  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [3_600_000 * 2.5, '150m'],
    [3_600_000 * 5.5, '5h30m'],
    [3_600_000 * 30, '30h'],
    [86_400_000 * 3 + 3_600_000, '3d1h'],
    [86_400_000 * 30, '30d'],
    [86_400_000 * 800, '2y70d'],
  ])('%i ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});
