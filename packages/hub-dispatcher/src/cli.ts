#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { isDns1123Label } from '@msa/common';
import {
  kubeconfigFrom,
  loadHubConfig,
  parseArgs,
  readProcessInputs,
  type ParsedArgs,
} from './config/hub-config.js';
import type { KubeRest } from './k8s/kube-rest.js';
import type { RegistrationOutput } from './k8s/register-cluster.js';

// Commands import what they need lazily: loading BullMQ, fastify and client-node takes seconds,
// and `--help` or a config error should answer at once.

const HELP = `msa-hub — hub dispatcher of managed service accounts over queues

Usage:
  msa-hub [serve] [flags]                 run the dispatcher and the hub API (default)
  msa-hub install-crds [--kubeconfig F]   apply the ManagedServiceAccount and ManagedCluster CRDs, wait for Established
  msa-hub register-cluster <name> [--hub-url URL] [--credential-seconds N] [--output json|env]
                          [--ca-file F] [--worker-sa-name N] [--kubeconfig F]
                                          create namespace, ManagedCluster and worker ServiceAccount;
                                          print the worker's settings (hub URL, hub CA, credential)

serve flags (env in parentheses):
  --kubeconfig F (MSA_HUB_KUBECONFIG; else KUBECONFIG/~/.kube/config/in-cluster)
  --redis-url URL (MSA_HUB_REDIS_URL, REDIS_URL)      --listen-host H (MSA_HUB_LISTEN_HOST, default 0.0.0.0)
  --listen-port P (MSA_HUB_LISTEN_PORT, default 8443)  --tls-cert F (MSA_HUB_TLS_CERT_FILE)  --tls-key F (MSA_HUB_TLS_KEY_FILE)
  --worker-sa-name N (MSA_HUB_WORKER_SA_NAME)          --resync-period-seconds N (MSA_HUB_RESYNC_PERIOD_SECONDS)
  --revalidation-interval-seconds N (MSA_HUB_REVALIDATION_INTERVAL_SECONDS)
  --heartbeat-timeout-seconds N (MSA_HUB_HEARTBEAT_TIMEOUT_SECONDS)  --ttl-deletion true|false (MSA_HUB_TTL_DELETION_ENABLED)
  --ops-username U (MSA_HUB_OPS_USERNAME)  --ops-password P (MSA_HUB_OPS_PASSWORD) or --ops-password-file F (MSA_HUB_OPS_PASSWORD_FILE)
  --log-level L (MSA_HUB_LOG_LEVEL, LOG_LEVEL)         --config file.json (MSA_HUB_CONFIG_FILE)
`;

function fail(message: string, code = 1): never {
  process.stderr.write(`msa-hub: ${message}\n`);
  process.exit(code);
}

async function serve(parsed: ParsedArgs): Promise<void> {
  const inputs = readProcessInputs();
  const loaded = loadHubConfig(inputs, parsed);
  if (!loaded.ok) {
    fail(`invalid configuration:\n  - ${loaded.problems.join('\n  - ')}`, 2);
  }
  const config = loaded.config;
  const [{ createLogger }, { startHub }] = await Promise.all([import('@msa/common'), import('./main.js')]);
  const logger = createLogger({ name: 'msa-hub', level: config.logLevel });
  let stopping = false;
  const ref: { hub?: { close(): Promise<void> } } = {};
  const hub = await startHub(config, {
    logger,
    onFatal: () => {
      if (stopping) return;
      stopping = true;
      void (ref.hub?.close() ?? Promise.resolve()).finally(() => process.exit(1));
    },
  }).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
  ref.hub = hub;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    void hub.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function restFor(parsed: ParsedArgs): Promise<KubeRest> {
  const [{ KubeRest: Rest }, { createKubeConfig }] = await Promise.all([
    import('./k8s/kube-rest.js'),
    import('./k8s/kube-config.js'),
  ]);
  return new Rest(createKubeConfig({ kubeconfigPath: kubeconfigFrom(readProcessInputs(), parsed) }));
}

async function main(): Promise<void> {
  const inputs = readProcessInputs();
  const parsed = parseArgs(inputs.argv);
  if (parsed.flags.has('help') || parsed.flags.has('h') || parsed.positionals[0] === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const command = parsed.positionals[0] ?? 'serve';
  switch (command) {
    case 'serve':
      await serve(parsed);
      return;
    case 'install-crds': {
      const { installCrds } = await import('./k8s/crds.js');
      const results = await installCrds(await restFor(parsed));
      for (const r of results) process.stdout.write(`${r.name} ${r.action}, Established\n`);
      return;
    }
    case 'register-cluster': {
      const name = parsed.positionals[1];
      if (name === undefined)
        fail('register-cluster needs a cluster name: msa-hub register-cluster <name>', 2);
      // A bad name is an input error like the others (exit 2), not a failure of the hub.
      const nameProblems = isDns1123Label(name);
      if (nameProblems.length > 0)
        fail(`cluster name ${JSON.stringify(name)}: ${nameProblems.join('; ')}`, 2);
      const output = (parsed.flags.get('output') ?? 'json') as RegistrationOutput;
      if (output !== 'json' && output !== 'env') fail('--output must be json or env', 2);
      const seconds = parsed.flags.get('credential-seconds');
      if (seconds !== undefined && !(/^\d+$/.test(seconds) && Number(seconds) >= 600))
        fail(`--credential-seconds ${JSON.stringify(seconds)}: must be a whole number >= 600`, 2);
      const caFile =
        parsed.flags.get('ca-file') ??
        inputs.env.MSA_HUB_CA_FILE ??
        parsed.flags.get('tls-cert') ??
        inputs.env.MSA_HUB_TLS_CERT_FILE;
      let caPem: string | undefined;
      if (caFile !== undefined && caFile !== '') {
        try {
          caPem = readFileSync(caFile, 'utf8');
        } catch (err) {
          fail(`cannot read the hub CA file ${caFile}: ${(err as Error).message}`, 2);
        }
      }
      const port = parsed.flags.get('listen-port') ?? inputs.env.MSA_HUB_LISTEN_PORT ?? '8443';
      const explicitHubUrl = parsed.flags.get('hub-url') ?? inputs.env.MSA_HUB_URL;
      const hubUrl = explicitHubUrl ?? `https://127.0.0.1:${port}`;
      // The registration still succeeds (the credential is useful), but a worker given only
      // this output could not verify or even reach the hub: say what is missing.
      if (caPem === undefined) {
        process.stderr.write(
          'warning: no hub CA given (--ca-file / MSA_HUB_CA_FILE or --tls-cert / MSA_HUB_TLS_CERT_FILE): ' +
            'hubCaPem is null and the worker cannot verify the hub; pass the CA that signed the hub serving certificate\n',
        );
      }
      if (explicitHubUrl === undefined) {
        process.stderr.write(
          `warning: no --hub-url (MSA_HUB_URL) given: using ${hubUrl}, which only works for a worker on this machine; ` +
            'pass the URL the worker reaches the hub at\n',
        );
      }
      const { registerCluster, formatRegistration } = await import('./k8s/register-cluster.js');
      const registration = await registerCluster(await restFor(parsed), {
        cluster: name,
        hubUrl,
        hubCaPem: caPem,
        credentialSeconds: seconds === undefined ? undefined : Number(seconds),
        workerServiceAccountName: parsed.flags.get('worker-sa-name') ?? inputs.env.MSA_HUB_WORKER_SA_NAME,
      });
      process.stdout.write(formatRegistration(registration, output));
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command)}; see msa-hub --help`, 2);
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
