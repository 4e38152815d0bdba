import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector, SelectorParseError } from './label-selector.js';

// Semantics of staging/src/k8s.io/apimachinery/pkg/labels/selector.go.
describe('parseLabelSelector / matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/x': 'y' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['example.com/x=y', true],
    ['app in (a,b),tier', false],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('rejects malformed selectors like labels.Parse', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorParseError);
    expect(() => parseLabelSelector('-bad=x')).toThrow(SelectorParseError);
  });
});
