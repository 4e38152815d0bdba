#!/usr/bin/env node
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCliArgs, USAGE } from './cli/parse-args.js';
import { startCluster } from './cluster/start-cluster.js';

// The `kube-sim` command: serve one simulated cluster until SIGTERM/SIGINT. Every failure a user
// can cause (flags, kubeconfig location, busy port) ends in one clear message, no stack trace.
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(
    `kube-sim — an in-memory Kubernetes API server on 127.0.0.1 (HTTPS), for local runs and tests\n\n${USAGE}\n\n` +
      '  --port <n>               port on 127.0.0.1; 0 picks a free one\n' +
      '  --kubeconfig <file>      admin kubeconfig written once serving (its directory must exist)\n' +
      '  --name NAME              cluster and context name\n' +
      '  --min-token-seconds N    shortest TokenRequest lifetime accepted (default 600)\n' +
      '  --max-token-seconds N    longest TokenRequest lifetime granted (longer requests are capped)\n' +
      '  --issuer URL             service account token issuer (https)\n' +
      '  --enforce-rbac           authorize requests with RBAC instead of allowing everything\n',
  );
  process.exit(0);
}
const parsed = parseCliArgs(argv);
if (!parsed.ok) {
  process.stderr.write(
    `kube-sim: invalid arguments:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n${USAGE}\n`,
  );
  process.exit(2);
}
const { cluster: options, kubeconfigPath } = parsed.config;
const kubeconfigFile = resolve(kubeconfigPath);
// Checked before serving: finding out only after the server is up would leave a half-started
// process and a raw ENOENT.
const kubeconfigDir = dirname(kubeconfigFile);
let dirOk = false;
try {
  dirOk = statSync(kubeconfigDir).isDirectory();
} catch {
  dirOk = false;
}
if (!dirOk) {
  process.stderr.write(
    `kube-sim: --kubeconfig ${kubeconfigPath}: directory ${kubeconfigDir} does not exist\n${USAGE}\n`,
  );
  process.exit(2);
}

const fail = (message: string): never => {
  process.stderr.write(`kube-sim: ${message}\n`);
  process.exit(1);
};
const cluster = await startCluster(options).catch((err: unknown) => {
  if ((err as { code?: unknown } | null)?.code === 'EADDRINUSE')
    return fail(`port ${options.port} on 127.0.0.1 is in use; use --port 0 for a free port`);
  return fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
});
try {
  await cluster.writeKubeconfig(kubeconfigFile);
} catch (err) {
  await cluster.close().catch(() => undefined);
  fail(`cannot write the kubeconfig ${kubeconfigFile}: ${err instanceof Error ? err.message : String(err)}`);
}
process.stdout.write(`kube-sim ${cluster.name} serving on ${cluster.url} (kubeconfig ${kubeconfigFile})\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  cluster.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
