#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseCliArgs, USAGE } from './cli/parse-args.js';
import { startCluster } from './cluster/start-cluster.js';

// The `kube-sim` command: serve one simulated cluster until SIGTERM/SIGINT.
const parsed = parseCliArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(
    `kube-sim: invalid arguments:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n${USAGE}\n`,
  );
  process.exit(2);
}
const { cluster: options, kubeconfigPath } = parsed.config;
const cluster = await startCluster(options);
await cluster.writeKubeconfig(resolve(kubeconfigPath));
process.stdout.write(
  `kube-sim ${cluster.name} serving on ${cluster.url} (kubeconfig ${resolve(kubeconfigPath)})\n`,
);

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
