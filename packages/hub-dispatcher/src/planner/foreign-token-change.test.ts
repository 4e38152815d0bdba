import type { TokenSecret } from '@msa/common';
import { describe, expect, it } from 'vitest';
import { isForeignTokenChange } from './foreign-token-change.js';

const secret = (token: string | undefined, refreshedAt: string | undefined): TokenSecret => ({
  metadata: {
    name: 'm',
    namespace: 'c',
    annotations: refreshedAt === undefined ? {} : { 'msa-queue.io/refreshed-at': refreshedAt },
  },
  ...(token === undefined ? {} : { data: { token } }),
});

describe('isForeignTokenChange', () => {
  it.each([
    ['hub report (new refreshed-at)', secret('a', 't1'), secret('b', 't2'), false],
    ['someone replaced the token', secret('a', 't1'), secret('b', 't1'), true],
    ['only labels changed', secret('a', 't1'), secret('a', 't1'), false],
    ['token removed (SecretMissing handles it)', secret('a', 't1'), secret(undefined, 't1'), false],
    ['a Secret we never wrote gets a token', secret(undefined, undefined), secret('x', undefined), true],
  ])('%s → %s', (_what, old, next, expected) => {
    expect(isForeignTokenChange(old, next)).toBe(expected);
  });
});
