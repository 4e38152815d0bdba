import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCertificateAuthority, issueServingCertificate } from '@msa/kube-sim';
import { httpsJson, kubeRequest, readClusterAccess, waitFor, type ClusterAccess } from './kube.js';
import { ProcessGroup, type ManagedProcess } from './processes.js';

/** Repository root (scripts/lib/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The product and simulator CLIs, run from their built `dist/` like an installed package would. */
export const CLI = {
  kubeSim: join(REPO_ROOT, 'packages/kube-sim/dist/cli.js'),
  hub: join(REPO_ROOT, 'packages/hub-dispatcher/dist/cli.js'),
  worker: join(REPO_ROOT, 'packages/spoke-worker/dist/cli.js'),
} as const;

/** Name of the hub Lease a worker's heartbeats renew (namespace = cluster). */
const WORKER_LEASE = 'managed-serviceaccount-worker';

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Directory for kubeconfigs, certificates, credentials and logs. */
  dir: string;
  /** Managed clusters; default `cluster1`, `cluster2`. */
  spokes?: readonly string[];
  /** Use this Redis; otherwise a private `redis-server` is started on a free port. */
  redisUrl?: string | undefined;
  /** Passed to the spoke kube-sims only. */
  minTokenSeconds?: number | undefined;
  maxTokenSeconds?: number | undefined;
  /** Per-spoke overrides of {@link minTokenSeconds} / {@link maxTokenSeconds} (e.g. one capping spoke). */
  spokeTokenSeconds?: Readonly<Record<string, { min?: number; max?: number }>> | undefined;
  /** `--min-token-seconds` of the hub kube-sim (tests with short worker credentials). */
  hubMinTokenSeconds?: number | undefined;
  /** Lifetime of the worker credentials `register-cluster` issues (`--credential-seconds`). */
  credentialSeconds?: number | undefined;
  /** Worker `--concurrency`; default 4. */
  workerConcurrency?: number;
  /** Worker heartbeat interval; default 5 s. */
  heartbeatIntervalSeconds?: number;
  /** Extra `msa-hub serve` flags. */
  hubArgs?: readonly string[];
  /**
   * Existing clusters (admin kubeconfigs) to use instead of starting kube-sim processes:
   * `hub` and one per spoke name. Missing entries are started as kube-sim.
   */
  kubeconfigs?: { hub?: string | undefined; spokes?: Record<string, string | undefined> };
  /**
   * Start the processes in their own process groups (see `ProcessGroupOptions.detached`),
   * for an interactive runner that stops them itself on Ctrl-C.
   */
  detached?: boolean;
  /** Progress messages. */
  log?: (message: string) => void;
  /**
   * Called with the process group as soon as it exists, so a caller interrupted during start-up
   * (SIGINT) can stop what was started so far.
   */
  onProcessGroup?: (group: ProcessGroup) => void;
}

/** A running stack. */
export interface Stack {
  readonly dir: string;
  readonly hub: ClusterAccess;
  readonly spokes: Readonly<Record<string, ClusterAccess>>;
  /** Names of clusters served by kube-sim processes started here (they have `/__sim/` routes). */
  readonly simulated: ReadonlySet<string>;
  readonly hubUrl: string;
  readonly hubCaPem: string;
  readonly redisUrl: string;
  readonly ops: { username: string; password: string; dashboardUrl: string };
  readonly group: ProcessGroup;
  readonly hubProcess: ManagedProcess;
  readonly workers: Readonly<Record<string, ManagedProcess>>;
  /** Worker settings per cluster (paths of the credential and CA files). */
  readonly workerArgs: Readonly<Record<string, string[]>>;
  /**
   * Restarts one worker process (e.g. after a test stopped it); `extraArgs` are appended to its
   * flags (the later of a repeated flag wins, e.g. `--agent-namespace`).
   */
  startWorker(cluster: string, extraArgs?: readonly string[]): Promise<ManagedProcess>;
  /** Stops one worker process (SIGTERM); its heartbeats stop, its queue waits. */
  stopWorker(cluster: string): Promise<void>;
  /**
   * Stops `msa-hub` and starts it again with the same settings plus `extraArgs` (e.g.
   * `--ttl-deletion=false`); resolves when /readyz answers 200.
   */
  restartHub(extraArgs?: readonly string[]): Promise<ManagedProcess>;
  /** Stops every process this stack started (Redis included), within ~10 s. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { env, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${[command, ...args].join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolveRun(stdout);
    });
  });
}

async function startRedis(group: ProcessGroup, dir: string): Promise<string> {
  const port = await freePort();
  const proc = group.start('redis', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
  ]);
  const missing = new Promise<never>((_, reject) => {
    proc.child.once('error', () =>
      reject(
        new Error(
          'no Redis: set REDIS_URL to a Redis 7 server, or install redis-server (e.g. apt-get install -y redis-server)',
        ),
      ),
    );
  });
  await Promise.race([proc.waitForLine(/Ready to accept connections/, 10_000), missing]);
  return `redis://127.0.0.1:${port}`;
}

async function startSim(
  group: ProcessGroup,
  name: string,
  kubeconfigPath: string,
  extra: readonly string[],
): Promise<ClusterAccess> {
  const proc = group.start(`kube-sim-${name}`, process.execPath, [
    CLI.kubeSim,
    '--port',
    '0',
    '--kubeconfig',
    kubeconfigPath,
    '--name',
    name,
    ...extra,
  ]);
  await proc.waitForLine(/serving on https:/, 30_000);
  return readClusterAccess(name, kubeconfigPath);
}

/**
 * Starts the whole system the way an operator would run it, every component as its own process
 * through its CLI: kube-sim clusters (unless given), Redis (unless given), CRDs, cluster
 * registration, the hub (`msa-hub serve`) and one `msa-worker` per spoke. Resolves once the hub
 * is ready and every worker's first heartbeat has been accepted.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir);
  const spokeNames = options.spokes ?? ['cluster1', 'cluster2'];
  mkdirSync(dir, { recursive: true });
  for (const cli of Object.values(CLI)) {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
  }
  const group = new ProcessGroup(join(dir, 'logs'), { detached: options.detached === true });
  options.onProcessGroup?.(group);
  try {
    const redisUrl = options.redisUrl ?? (await startRedis(group, dir));
    log(`redis: ${redisUrl}${options.redisUrl ? '' : ' (private redis-server)'}`);

    const tokenFlags = (spoke: string): string[] => {
      const min = options.spokeTokenSeconds?.[spoke]?.min ?? options.minTokenSeconds;
      const max = options.spokeTokenSeconds?.[spoke]?.max ?? options.maxTokenSeconds;
      return [
        ...(min !== undefined ? ['--min-token-seconds', String(min)] : []),
        ...(max !== undefined ? ['--max-token-seconds', String(max)] : []),
      ];
    };
    const simulated = new Set<string>();
    const access = async (
      name: string,
      given: string | undefined,
      extra: readonly string[],
    ): Promise<ClusterAccess> => {
      if (given !== undefined && given !== '') return readClusterAccess(name, given);
      simulated.add(name);
      return startSim(group, name, join(dir, `${name}.kubeconfig`), extra);
    };
    const [hub, ...spokeList] = await Promise.all([
      access(
        'hub',
        options.kubeconfigs?.hub,
        options.hubMinTokenSeconds === undefined
          ? []
          : ['--min-token-seconds', String(options.hubMinTokenSeconds)],
      ),
      ...spokeNames.map((n) => access(n, options.kubeconfigs?.spokes?.[n], tokenFlags(n))),
    ]);
    if (hub === undefined) throw new Error('no hub cluster');
    const spokes = Object.fromEntries(spokeList.map((s) => [s.name, s]));
    log(`clusters: ${[hub, ...spokeList].map((c) => `${c.name} ${c.server}`).join(', ')}`);

    // The hub API's own TLS: a private CA and a serving certificate for 127.0.0.1/localhost.
    const ca = await createCertificateAuthority('msa-hub-ca');
    const serving = await issueServingCertificate(ca, ['localhost']);
    const tlsDir = join(dir, 'hub-tls');
    mkdirSync(tlsDir, { recursive: true });
    const caFile = join(tlsDir, 'ca.crt');
    writeFileSync(caFile, ca.certPem);
    writeFileSync(join(tlsDir, 'tls.crt'), serving.certPem);
    writeFileSync(join(tlsDir, 'tls.key'), serving.keyPem, { mode: 0o600 });
    const port = await freePort();
    const hubUrl = `https://127.0.0.1:${port}`;

    const hubKc = ['--kubeconfig', hub.kubeconfigPath];
    await run(process.execPath, [CLI.hub, 'install-crds', ...hubKc]);
    log('CRDs installed and Established');

    const workerArgs: Record<string, string[]> = {};
    await Promise.all(
      spokeNames.map(async (name) => {
        const out = await run(process.execPath, [
          CLI.hub,
          'register-cluster',
          name,
          ...hubKc,
          '--hub-url',
          hubUrl,
          '--ca-file',
          caFile,
          '--output',
          'json',
          ...(options.credentialSeconds === undefined
            ? []
            : ['--credential-seconds', String(options.credentialSeconds)]),
        ]);
        const reg = JSON.parse(out) as { token: string; hubUrl: string; hubCaPem: string | null };
        const wdir = join(dir, 'workers', name);
        mkdirSync(wdir, { recursive: true });
        writeFileSync(join(wdir, 'credential'), reg.token, { mode: 0o600 });
        writeFileSync(join(wdir, 'hub-ca.crt'), reg.hubCaPem ?? ca.certPem);
        const spoke = spokes[name];
        if (spoke === undefined) throw new Error(`no spoke ${name}`);
        workerArgs[name] = [
          '--cluster-name',
          name,
          '--kubeconfig',
          spoke.kubeconfigPath,
          '--redis-url',
          redisUrl,
          '--hub-url',
          reg.hubUrl,
          '--hub-ca-file',
          join(wdir, 'hub-ca.crt'),
          '--credential-file',
          join(wdir, 'credential'),
          '--concurrency',
          String(options.workerConcurrency ?? 4),
          '--heartbeat-interval-seconds',
          String(options.heartbeatIntervalSeconds ?? 5),
        ];
        log(`registered ${name}`);
      }),
    );

    const ops = { username: 'admin', password: randomBytes(12).toString('base64url') };
    const startHub = (extraArgs: readonly string[] = []): ManagedProcess =>
      group.start(
        'msa-hub',
        process.execPath,
        [
          CLI.hub,
          'serve',
          ...hubKc,
          '--redis-url',
          redisUrl,
          '--listen-host',
          '127.0.0.1',
          '--listen-port',
          String(port),
          '--tls-cert',
          join(tlsDir, 'tls.crt'),
          '--tls-key',
          join(tlsDir, 'tls.key'),
          '--ops-username',
          ops.username,
          ...(options.hubArgs ?? []),
          ...extraArgs,
        ],
        // The password goes through the environment, not argv (visible in ps).
        { ...process.env, MSA_HUB_OPS_PASSWORD: ops.password },
      );
    let hubProcess = startHub();
    // Rejects when the current hub process exits (replaced by restartHub).
    let hubExited: Promise<never> = hubProcess.exited.then((code) => {
      throw new Error(
        `msa-hub exited (${String(code)}) during start; see ${hubProcess.logFile}:\n${hubProcess.lines.slice(-20).join('\n')}`,
      );
    });
    hubExited.catch(() => undefined);

    const workers: Record<string, ManagedProcess> = {};
    const startWorker = async (name: string, extraArgs: readonly string[] = []): Promise<ManagedProcess> => {
      const startedAt = Date.now() - 1000;
      const proc = group.start(`msa-worker-${name}`, process.execPath, [
        CLI.worker,
        ...(workerArgs[name] ?? []),
        ...extraArgs,
      ]);
      workers[name] = proc;
      const exited = proc.exited.then((code) => {
        throw new Error(
          `msa-worker for ${name} exited (${String(code)}); see ${proc.logFile}:\n${proc.lines.slice(-20).join('\n')}`,
        );
      });
      exited.catch(() => undefined);
      // The first accepted heartbeat renews the cluster's worker Lease on the hub.
      await Promise.race([
        waitFor(
          `the first heartbeat of ${name}`,
          async () => {
            const res = await kubeRequest(
              hub,
              'GET',
              `/apis/coordination.k8s.io/v1/namespaces/${name}/leases/${WORKER_LEASE}`,
            );
            const renew = (res.body as { spec?: { renewTime?: string } } | undefined)?.spec?.renewTime;
            return res.status === 200 && renew !== undefined && Date.parse(renew) >= startedAt
              ? true
              : undefined;
          },
          90_000,
        ),
        exited,
        hubExited,
      ]);
      return proc;
    };
    const hubReady = (): Promise<unknown> =>
      waitFor(
        'the hub /readyz',
        async () =>
          (await httpsJson(hubUrl, ca.certPem, undefined, 'GET', '/readyz')).status === 200
            ? true
            : undefined,
        90_000,
      );
    // Workers start alongside the hub (they retry their first heartbeat until it answers), which
    // saves several seconds of process start-up.
    await Promise.all([
      // /readyz answers 200 once the CRDs are there and the informers have synced.
      Promise.race([
        waitFor(
          'the hub /readyz',
          async () =>
            (await httpsJson(hubUrl, ca.certPem, undefined, 'GET', '/readyz')).status === 200
              ? true
              : undefined,
          90_000,
        ),
        hubExited,
      ]).then(() => log(`hub ready at ${hubUrl}`)),
      ...spokeNames.map((n) => startWorker(n)),
    ]);
    log(`workers heartbeating: ${spokeNames.join(', ')}`);

    return {
      dir,
      hub,
      spokes,
      simulated,
      hubUrl,
      hubCaPem: ca.certPem,
      redisUrl,
      ops: { ...ops, dashboardUrl: `${hubUrl}/ops/queues` },
      group,
      get hubProcess() {
        return hubProcess;
      },
      workers,
      workerArgs,
      startWorker,
      stopWorker: async (name) => {
        const proc = workers[name];
        if (proc !== undefined) await group.stop(proc);
      },
      restartHub: async (extraArgs = []) => {
        await group.stop(hubProcess);
        hubProcess = startHub(extraArgs);
        const proc = hubProcess;
        hubExited = proc.exited.then((code) => {
          throw new Error(`msa-hub exited (${String(code)}) after a restart; see ${proc.logFile}`);
        });
        hubExited.catch(() => undefined);
        await Promise.race([hubReady(), hubExited]);
        return proc;
      },
      stop: () => group.stopAll(6000),
    };
  } catch (err) {
    await group.stopAll(3000);
    throw err;
  }
}
