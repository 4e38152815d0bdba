import { describe, expect, it } from 'vitest';
import { HubConfigSchema, WorkerConfigSchema } from './config-schemas.js';
import { redactConfig, secretConfigFields, validateConfig } from './validate-config.js';

const hubMinimal = {
  redisUrl: 'redis://127.0.0.1:6379',
  tlsCertFile: '/tls/tls.crt',
  tlsKeyFile: '/tls/tls.key',
};
const workerMinimal = {
  clusterName: 'cluster1',
  redisUrl: 'rediss://redis:6380',
  hubUrl: 'https://hub.example:8443',
  credentialFile: '/var/run/hub/token',
};

describe('validateConfig: hub', () => {
  it('applies every default and freezes the result', () => {
    const result = validateConfig(HubConfigSchema, hubMinimal);
    expect(result).toEqual({
      ok: true,
      value: {
        ...hubMinimal,
        listenHost: '0.0.0.0',
        listenPort: 8443,
        workerServiceAccountName: 'managed-serviceaccount-worker',
        resyncPeriodSeconds: 300,
        revalidationIntervalSeconds: 36000,
        heartbeatTimeoutSeconds: 90,
        ttlDeletionEnabled: true,
        logLevel: 'info',
      },
    });
    if (result.ok) expect(Object.isFrozen(result.value)).toBe(true);
  });

  it('converts strings from env and flags to numbers and booleans', () => {
    const result = validateConfig(HubConfigSchema, {
      ...hubMinimal,
      listenPort: '0',
      ttlDeletionEnabled: 'false',
      heartbeatTimeoutSeconds: '30',
    });
    expect(
      result.ok && [
        result.value.listenPort,
        result.value.ttlDeletionEnabled,
        result.value.heartbeatTimeoutSeconds,
      ],
    ).toEqual([0, false, 30]);
  });

  it('does not modify the raw input', () => {
    const raw = { ...hubMinimal, listenPort: '9000' };
    validateConfig(HubConfigSchema, raw);
    expect(raw).toEqual({ ...hubMinimal, listenPort: '9000' });
  });

  it('reports ALL problems at once, each naming the field and what to do', () => {
    const result = validateConfig(HubConfigSchema, {
      redisUrl: 'localhost:6379',
      listenPort: '99999',
      resyncPeriodSeconds: 'abc',
      ttlDeletionEnabled: 'maybe',
      logLevel: 'loud',
      lisenHost: '::',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'redisUrl: must match pattern "^rediss?://.+" (got "localhost:6379"); set it to a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
      'listenPort: must be <= 65535 (got 99999); set it to a TCP port 0-65535 (default 8443; 0 picks a free port)',
      'tlsCertFile: is required; set it to the path of the PEM certificate of the hub API',
      'tlsKeyFile: is required; set it to the path of the PEM private key of the hub API',
      'resyncPeriodSeconds: must be integer (got "abc"); set it to the full resync period in whole seconds >= 1 (default 300)',
      'ttlDeletionEnabled: must be boolean (got "maybe"); set it to true or false: delete MSAs after spec.ttlSecondsAfterCreation (default true)',
      'logLevel: is not an allowed value (got "loud"); set it to one of fatal, error, warn, info, debug, trace, silent (default info)',
      expect.stringMatching(
        /^lisenHost: is not a known setting; remove it or check the spelling \(known: kubeconfig, redisUrl, listenHost,/,
      ),
    ]);
  });

  it('never echoes a secret value in a problem', () => {
    const result = validateConfig(HubConfigSchema, { ...hubMinimal, opsPassword: ['hunter2'] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([expect.stringMatching(/^opsPassword: .*\(got \[REDACTED\]\)/)]);
      expect(result.problems.join()).not.toContain('hunter2');
    }
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'redis://x'],
  ])('rejects %s as the whole config', (_name, raw) => {
    expect(validateConfig(HubConfigSchema, raw).ok).toBe(false);
  });

  it('marks opsPassword as secret and redacts it for logs', () => {
    expect(secretConfigFields(HubConfigSchema)).toEqual(['opsPassword']);
    const result = validateConfig(HubConfigSchema, {
      ...hubMinimal,
      opsUsername: 'ops',
      opsPassword: 'hunter2',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      const safe = redactConfig(HubConfigSchema, result.value);
      expect(safe['opsPassword']).toBe('[REDACTED]');
      expect(safe['opsUsername']).toBe('ops');
      expect(JSON.stringify(safe)).not.toContain('hunter2');
    }
  });
});

describe('validateConfig: worker', () => {
  it('applies defaults', () => {
    expect(validateConfig(WorkerConfigSchema, workerMinimal)).toEqual({
      ok: true,
      value: {
        ...workerMinimal,
        agentNamespace: 'open-cluster-management-agent-addon',
        concurrency: 4,
        heartbeatIntervalSeconds: 15,
        logLevel: 'info',
      },
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'clusterName not a DNS label',
      { clusterName: 'Cluster_1' },
      /^clusterName: must match pattern .*DNS label/,
    ],
    [
      'clusterName too long',
      { clusterName: 'a'.repeat(64) },
      /^clusterName: must not have more than 63 characters/,
    ],
    ['hubUrl not https', { hubUrl: 'http://hub:8443' }, /^hubUrl: must match pattern .*https:\/\//],
    ['concurrency 0', { concurrency: '0' }, /^concurrency: must be >= 1 \(got 0\)/],
    ['concurrency not a number', { concurrency: 'lots' }, /^concurrency: must be integer/],
    ['heartbeat 0', { heartbeatIntervalSeconds: 0 }, /^heartbeatIntervalSeconds: must be >= 1/],
    ['agentNamespace invalid', { agentNamespace: 'Bad' }, /^agentNamespace: must match pattern/],
    ['kubeconfig empty', { kubeconfig: '' }, /^kubeconfig: must not have fewer than 1 characters/],
  ])('rejects %s', (_name, patch, problem) => {
    const result = validateConfig(WorkerConfigSchema, { ...workerMinimal, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(problem)]);
  });

  it('lists every missing required field', () => {
    const result = validateConfig(WorkerConfigSchema, {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.split(':')[0])).toEqual([
        'clusterName',
        'redisUrl',
        'hubUrl',
        'credentialFile',
      ]);
      for (const p of result.problems) expect(p).toMatch(/: is required; set it to /);
    }
  });
});
