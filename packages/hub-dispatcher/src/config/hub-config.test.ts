import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHubConfig, parseArgs } from './hub-config.js';

const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
const cert = join(dir, 'tls.crt');
const key = join(dir, 'tls.key');
// A real self-signed pair: the loader parses both files up front.
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=hub-config-test',
  ],
  { stdio: 'ignore' },
);
const notPem = join(dir, 'not-pem.txt');
writeFileSync(notPem, 'this is not PEM');

describe('parseArgs', () => {
  it('splits positionals and --flag value / --flag=value', () => {
    const p = parseArgs(['register-cluster', 'c1', '--hub-url', 'https://h', '--output=env', '--help']);
    expect(p.positionals).toEqual(['register-cluster', 'c1']);
    expect(p.flags.get('hub-url')).toBe('https://h');
    expect(p.flags.get('output')).toBe('env');
    expect(p.flags.get('help')).toBe('true');
  });
});

describe('loadHubConfig', () => {
  it('reads env, lets flags win, applies defaults and freezes', () => {
    const r = loadHubConfig({
      argv: ['--listen-port', '9443'],
      env: {
        REDIS_URL: 'redis://127.0.0.1:6379',
        MSA_HUB_LISTEN_PORT: '1234',
        MSA_HUB_TLS_CERT_FILE: cert,
        MSA_HUB_TLS_KEY_FILE: key,
      },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.listenPort).toBe(9443);
    expect(r.config.workerServiceAccountName).toBe('managed-serviceaccount-worker');
    expect(r.config.resyncPeriodSeconds).toBe(300);
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  it('lists every problem at once, without echoing secrets', () => {
    const r = loadHubConfig({
      argv: ['--listen-port', 'abc', '--bogus', 'x', '--ops-password', 'hunter2'],
      env: { MSA_HUB_TLS_CERT_FILE: join(dir, 'missing.crt') },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(text).toContain('--redis-url (MSA_HUB_REDIS_URL or REDIS_URL): is required');
    expect(text).toContain('--listen-port (MSA_HUB_LISTEN_PORT):');
    expect(text).toContain('--tls-key (MSA_HUB_TLS_KEY_FILE):');
    expect(text).not.toMatch(/^redisUrl:/m);
    expect(text).toContain('--bogus');
    expect(text).not.toContain('hunter2');
    expect(r.problems.length).toBeGreaterThanOrEqual(4);
  });

  it('reports an unreadable TLS file and a half-configured ops login', () => {
    const r = loadHubConfig({
      argv: [],
      env: {
        REDIS_URL: 'redis://x:1',
        MSA_HUB_TLS_CERT_FILE: join(dir, 'nope.crt'),
        MSA_HUB_TLS_KEY_FILE: key,
        MSA_HUB_OPS_USERNAME: 'admin',
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.startsWith('--tls-cert (MSA_HUB_TLS_CERT_FILE): file'))).toBe(true);
    expect(
      r.problems.some((p) =>
        p.startsWith('--ops-username (MSA_HUB_OPS_USERNAME) / --ops-password (MSA_HUB_OPS_PASSWORD):'),
      ),
    ).toBe(true);
  });

  it('reports a bad value and unreadable files in the same round', () => {
    const r = loadHubConfig({
      argv: ['--listen-port', 'abc', '--tls-cert', join(dir, 'nope.crt'), '--tls-key', join(dir, 'nope.key')],
      env: { REDIS_URL: 'redis://x:1' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toMatch(/^--listen-port \(MSA_HUB_LISTEN_PORT\):/);
    expect(r.problems.some((p) => p.startsWith('--tls-cert (MSA_HUB_TLS_CERT_FILE): file'))).toBe(true);
    expect(r.problems.some((p) => p.startsWith('--tls-key (MSA_HUB_TLS_KEY_FILE): file'))).toBe(true);
  });

  it('names a TLS key or certificate file that is not PEM instead of an OpenSSL error', () => {
    const r = loadHubConfig({
      argv: ['--tls-cert', notPem, '--tls-key', notPem],
      env: { REDIS_URL: 'redis://x:1' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(text).toContain(
      `--tls-key (MSA_HUB_TLS_KEY_FILE): file ${JSON.stringify(notPem)} is not a valid PEM private key`,
    );
    expect(text).toContain(
      `--tls-cert (MSA_HUB_TLS_CERT_FILE): file ${JSON.stringify(notPem)} is not a valid PEM certificate`,
    );
    expect(text).not.toContain('DECODER');
  });

  it('does not accept a key file in place of the certificate', () => {
    const r = loadHubConfig({
      argv: ['--tls-cert', key, '--tls-key', key],
      env: { REDIS_URL: 'redis://x:1' },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toContain('is not a valid PEM certificate');
  });
});
