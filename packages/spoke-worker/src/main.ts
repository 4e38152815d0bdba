import { loadWorkerConfig } from './config/load-worker-config.js';
import type { RunningWorker } from './start-worker.js';

/**
 * Wires the worker process: config from argv/env (every problem listed), start, and a bounded
 * shutdown on SIGINT/SIGTERM. Returns the process exit code once the worker has stopped.
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: msa-worker --cluster-name <name> --kubeconfig <file> --redis-url <url> --hub-url <https url> --hub-ca-file <pem> --credential-file <file> [--agent-namespace <ns>] [--concurrency <n>] [--heartbeat-interval-seconds <n>] [--hub-startup-timeout-seconds <n>] [--protected-service-accounts <a,b>] [--log-level <level>]\n' +
        'Every flag also reads an environment variable: see packages/spoke-worker/README.md.\n',
    );
    return 0;
  }
  const loaded = loadWorkerConfig(argv, env);
  if (!loaded.ok) {
    process.stderr.write(
      `msa-worker: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  let fatalMessage: string | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  // Loaded only now: BullMQ and client-node take seconds to import, and --help or a config
  // mistake should answer at once.
  const { startWorker, WorkerStartError } = await import('./start-worker.js');
  let worker: RunningWorker;
  try {
    worker = await startWorker(loaded.config, {
      onFatal: (message) => {
        fatalMessage = message;
        resolveDone();
      },
    });
  } catch (err) {
    const message =
      err instanceof WorkerStartError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`msa-worker: cannot start: ${message}\n`);
    return 1;
  }
  const stop = (): void => resolveDone();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await done;
  await worker.close();
  if (fatalMessage !== undefined) {
    process.stderr.write(`msa-worker: ${fatalMessage}\n`);
    return 1;
  }
  return 0;
}
