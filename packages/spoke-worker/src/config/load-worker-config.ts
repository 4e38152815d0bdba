import { validateConfig, WorkerConfigSchema, type WorkerConfig } from '@msa/common';

/**
 * Where each setting comes from: `--flag` on the command line, else the environment variable.
 * Flags win over the environment. This table is the only place that knows the names.
 */
export const WORKER_SETTINGS: readonly { key: keyof WorkerConfig; flag: string; env: readonly string[] }[] =
  Object.freeze([
    { key: 'clusterName', flag: '--cluster-name', env: ['MSA_CLUSTER_NAME'] },
    { key: 'kubeconfig', flag: '--kubeconfig', env: ['MSA_SPOKE_KUBECONFIG'] },
    { key: 'agentNamespace', flag: '--agent-namespace', env: ['MSA_AGENT_NAMESPACE'] },
    { key: 'redisUrl', flag: '--redis-url', env: ['MSA_REDIS_URL', 'REDIS_URL'] },
    { key: 'hubUrl', flag: '--hub-url', env: ['MSA_HUB_URL'] },
    { key: 'hubCaFile', flag: '--hub-ca-file', env: ['MSA_HUB_CA_FILE'] },
    { key: 'credentialFile', flag: '--credential-file', env: ['MSA_HUB_CREDENTIAL_FILE'] },
    { key: 'concurrency', flag: '--concurrency', env: ['MSA_WORKER_CONCURRENCY'] },
    {
      key: 'heartbeatIntervalSeconds',
      flag: '--heartbeat-interval-seconds',
      env: ['MSA_HEARTBEAT_INTERVAL_SECONDS'],
    },
    {
      key: 'hubStartupTimeoutSeconds',
      flag: '--hub-startup-timeout-seconds',
      env: ['MSA_HUB_STARTUP_TIMEOUT_SECONDS'],
    },
    {
      key: 'protectedServiceAccounts',
      flag: '--protected-service-accounts',
      env: ['MSA_PROTECTED_SERVICE_ACCOUNTS'],
    },
    { key: 'logLevel', flag: '--log-level', env: ['MSA_LOG_LEVEL'] },
  ]);

/** Result of {@link loadWorkerConfig}: the frozen config, or every problem found. */
export type LoadWorkerConfigResult = { ok: true; config: WorkerConfig } | { ok: false; problems: string[] };

/**
 * Reads the worker's settings from argv and env, validates them with common's
 * `WorkerConfigSchema` and returns every problem at once. Without a kubeconfig the worker runs
 * in-cluster, which needs `KUBERNETES_SERVICE_HOST`; outside a cluster that is reported too.
 * @param argv arguments after the command (e.g. `process.argv.slice(2)`)
 * @param env environment (e.g. `process.env`)
 */
export function loadWorkerConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadWorkerConfigResult {
  const problems: string[] = [];
  const raw: Record<string, string> = {};
  for (const s of WORKER_SETTINGS) {
    for (const name of s.env) {
      const v = env[name];
      if (v !== undefined && v !== '' && raw[s.key] === undefined) raw[s.key] = v;
    }
  }
  const byFlag = new Map(WORKER_SETTINGS.map((s) => [s.flag, s.key]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(flag);
    if (key === undefined) {
      problems.push(`${arg}: unknown argument; known flags: ${[...byFlag.keys()].join(', ')}`);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      problems.push(`${flag}: needs a value`);
      continue;
    }
    raw[key] = value;
  }
  const result = validateConfig(WorkerConfigSchema, raw);
  if (!result.ok) problems.push(...result.problems);
  const inCluster = raw['kubeconfig'] === undefined;
  if (inCluster && (env['KUBERNETES_SERVICE_HOST'] ?? '') === '') {
    problems.push(
      'kubeconfig: is required outside a cluster; set --kubeconfig or MSA_SPOKE_KUBECONFIG to the spoke kubeconfig (in a pod the service account is used)',
    );
  }
  if (problems.length > 0 || !result.ok) return { ok: false, problems };
  return { ok: true, config: result.value };
}
