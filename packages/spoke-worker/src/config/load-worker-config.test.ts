import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './load-worker-config.js';

const full = [
  '--cluster-name',
  'cluster1',
  '--kubeconfig',
  '/tmp/k',
  '--redis-url',
  'redis://127.0.0.1:6379',
  '--hub-url',
  'https://127.0.0.1:8443',
  '--credential-file',
  '/tmp/cred',
];

describe('loadWorkerConfig', () => {
  it('reads flags, applies defaults and freezes the result', () => {
    const r = loadWorkerConfig(full, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      clusterName: 'cluster1',
      agentNamespace: 'open-cluster-management-agent-addon',
      concurrency: 4,
      heartbeatIntervalSeconds: 15,
    });
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  it('reads the environment, flags win, --flag=value works', () => {
    const r = loadWorkerConfig(['--concurrency=8', '--cluster-name', 'c2'], {
      MSA_CLUSTER_NAME: 'c1',
      MSA_SPOKE_KUBECONFIG: '/k',
      REDIS_URL: 'redis://r:1',
      MSA_HUB_URL: 'https://hub',
      MSA_HUB_CREDENTIAL_FILE: '/c',
      MSA_WORKER_CONCURRENCY: '2',
    });
    expect(r.ok && r.config).toMatchObject({ clusterName: 'c2', concurrency: 8, redisUrl: 'redis://r:1' });
  });

  it('lists every problem at once, never echoing the secret field', () => {
    const r = loadWorkerConfig(
      ['--bogus', '--cluster-name', 'Bad_Name', '--hub-url', 'http://plain', '--concurrency', '0'],
      {},
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    for (const needle of [
      '--bogus',
      'clusterName',
      'hubUrl',
      'concurrency',
      'redisUrl',
      'credentialFile',
      'kubeconfig: is required outside a cluster',
    ]) {
      expect(text).toContain(needle);
    }
  });

  it('runs in-cluster without a kubeconfig when KUBERNETES_SERVICE_HOST is set', () => {
    const args = full.filter((_, i) => i !== 2 && i !== 3);
    expect(loadWorkerConfig(args, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).ok).toBe(true);
    expect(loadWorkerConfig(args, {}).ok).toBe(false);
  });
});
