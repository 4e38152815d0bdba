import { describe, expect, it } from 'vitest';
import { isRedisCredentialError, redisCredentialMessage } from './redis-errors.js';

describe('Redis credential errors', () => {
  it.each([
    ['NOPERM this user has no permissions to access one of the keys used as arguments', true],
    ['WRONGPASS invalid username-password pair or user is disabled.', true],
    ['NOAUTH Authentication required.', true],
    ['connect ECONNREFUSED 127.0.0.1:6379', false],
  ])('%s → %s', (message, expected) => {
    expect(isRedisCredentialError(new Error(message))).toBe(expected);
  });

  it('says what to fix', () => {
    expect(redisCredentialMessage(new Error('WRONGPASS invalid'))).toMatch(
      /rejected our credentials.*msa:\*/,
    );
  });
});
