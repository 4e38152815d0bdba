import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHubConfig, parseArgs } from './hub-config.js';

const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
const cert = join(dir, 'tls.crt');
const key = join(dir, 'tls.key');
writeFileSync(cert, 'cert');
writeFileSync(key, 'key');

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
    expect(text).toContain('redisUrl');
    expect(text).toContain('listenPort');
    expect(text).toContain('tlsKeyFile');
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
    expect(r.problems.some((p) => p.startsWith('tlsCertFile'))).toBe(true);
    expect(r.problems.some((p) => p.startsWith('opsUsername/opsPassword'))).toBe(true);
  });
});
