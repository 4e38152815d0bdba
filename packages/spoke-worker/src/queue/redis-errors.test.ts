import { describe, expect, it } from 'vitest';
import { describeRedisCredentialError, isRedisCredentialError } from './redis-errors.js';

describe('Redis credential errors', () => {
  it.each([
    ['NOPERM this user has no permissions to access one of the keys used as arguments', true],
    ['WRONGPASS invalid username-password pair or user is disabled.', true],
    ['NOAUTH Authentication required.', true],
    ['Connection is closed.', false],
    ['ECONNREFUSED', false],
  ])('%s → %s', (message, expected) => {
    expect(isRedisCredentialError(new Error(message))).toBe(expected);
  });

  it('explains what to fix, naming the key pattern for NOPERM', () => {
    expect(describeRedisCredentialError(new Error('NOPERM x'), 'msa:{c1}:*')).toContain('~msa:{c1}:*');
    expect(describeRedisCredentialError(new Error('WRONGPASS x'), 'msa:{c1}:*')).toContain(
      'user and password',
    );
  });
});
