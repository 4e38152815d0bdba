import { describe, expect, it } from 'vitest';
import { isDns1123Label, isDns1123Subdomain } from './dns1123.js';

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('isDns1123Label (Kubernetes IsDNS1123Label)', () => {
  it.each(['a', '0', 'c1', 'my-name', '123-abc', 'a'.repeat(63)])('accepts %j', (v) => {
    expect(isDns1123Label(v)).toEqual([]);
  });
  it.each(['', 'A', 'a.b', '-a', 'a-', 'a_b', 'ä', 'a b'])('rejects %j with the Kubernetes message', (v) => {
    expect(isDns1123Label(v)).toEqual([LABEL_MSG]);
  });
  it('rejects 64 characters with the length message only', () => {
    expect(isDns1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
  it('reports both problems together', () => {
    expect(isDns1123Label('A'.repeat(64))).toEqual(['must be no more than 63 characters', LABEL_MSG]);
  });
});

describe('isDns1123Subdomain (Kubernetes IsDNS1123Subdomain)', () => {
  it.each(['a', 'example.com', 'm1', 'a-b.c-d', `${'a'.repeat(63)}.${'b'.repeat(63)}`, 'a'.repeat(253)])(
    'accepts %j',
    (v) => {
      expect(isDns1123Subdomain(v)).toEqual([]);
    },
  );
  it.each(['', 'A', '.a', 'a.', 'a..b', '-a', 'a_b', 'a/b'])(
    'rejects %j with the Kubernetes message',
    (v) => {
      expect(isDns1123Subdomain(v)).toEqual([SUBDOMAIN_MSG]);
    },
  );
  it('rejects 254 characters', () => {
    expect(isDns1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });
});
