/** Settings of one benchmark run, from flags and environment. */
export interface BenchArgs {
  msas: number;
  clusters: number;
  concurrency: number;
  json: boolean;
  /** Parallel MSA creates the benchmark keeps in flight (its "kubectl apply"). */
  createParallelism: number;
  timeoutSeconds: number;
  hubKubeconfig: string | undefined;
  /** Spoke name → admin kubeconfig path. */
  spokeKubeconfigs: Record<string, string>;
  redisUrl: string | undefined;
  /** Working directory for kubeconfigs and logs; default a fresh temp dir. */
  dir: string | undefined;
}

/** Defaults: about a minute in total on a 2-core machine. */
export const BENCH_DEFAULTS = {
  msas: 300,
  clusters: 2,
  concurrency: 4,
  createParallelism: 16,
  timeoutSeconds: 300,
} as const;

/** Environment variables read when the matching flag is absent. */
export const BENCH_ENV = {
  hubKubeconfig: 'MSA_BENCH_HUB_KUBECONFIG',
  /** `cluster1=/path/a,cluster2=/path/b` */
  spokeKubeconfigs: 'MSA_BENCH_SPOKE_KUBECONFIGS',
  redisUrl: 'REDIS_URL',
} as const;

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --msas N                  ManagedServiceAccounts to provision (default ${BENCH_DEFAULTS.msas})
  --clusters M              managed clusters, MSAs spread round-robin (default ${BENCH_DEFAULTS.clusters})
  --concurrency C           worker concurrency, also used by the BullMQ baseline (default ${BENCH_DEFAULTS.concurrency})
  --create-parallelism P    MSA creates in flight at once (default ${BENCH_DEFAULTS.createParallelism})
  --timeout SECONDS         give up waiting for tokens after this long (default ${BENCH_DEFAULTS.timeoutSeconds})
  --json                    also print one JSON document with every figure (last line of stdout)
  --hub-kubeconfig PATH     use this hub instead of a kube-sim (env ${BENCH_ENV.hubKubeconfig})
  --spoke-kubeconfig NAME=PATH
                            use this managed cluster (repeatable; env ${BENCH_ENV.spokeKubeconfigs}
                            as NAME=PATH,NAME=PATH); its names replace cluster1..clusterM
  --redis-url URL           use this Redis (env ${BENCH_ENV.redisUrl}); default a private redis-server
  --dir PATH                working directory (kubeconfigs, logs); default a new temp directory`;

function positiveInt(flag: string, value: string, problems: string[]): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${flag} must be a whole number >= 1, got "${value}"`);
    return 1;
  }
  return n;
}

function parseSpoke(text: string, into: Record<string, string>, problems: string[]): void {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) {
    problems.push(`--spoke-kubeconfig wants NAME=PATH, got "${text}"`);
    return;
  }
  into[text.slice(0, eq)] = text.slice(eq + 1);
}

/** Parses flags (`--flag value` or `--flag=value`); throws with every problem and the usage. */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs | 'help' {
  const problems: string[] = [];
  const out: BenchArgs = {
    ...BENCH_DEFAULTS,
    json: false,
    hubKubeconfig: undefined,
    spokeKubeconfigs: {},
    redisUrl: undefined,
    dir: undefined,
  };
  let spokeFlagSeen = false;
  let clustersFlagSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      out.json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      problems.push(`${flag} needs a value`);
      continue;
    }
    switch (flag) {
      case '--msas':
        out.msas = positiveInt(flag, value, problems);
        break;
      case '--clusters':
        out.clusters = positiveInt(flag, value, problems);
        clustersFlagSeen = true;
        break;
      case '--concurrency':
        out.concurrency = positiveInt(flag, value, problems);
        break;
      case '--create-parallelism':
        out.createParallelism = positiveInt(flag, value, problems);
        break;
      case '--timeout':
        out.timeoutSeconds = positiveInt(flag, value, problems);
        break;
      case '--hub-kubeconfig':
        out.hubKubeconfig = value;
        break;
      case '--spoke-kubeconfig':
        spokeFlagSeen = true;
        parseSpoke(value, out.spokeKubeconfigs, problems);
        break;
      case '--redis-url':
        out.redisUrl = value;
        break;
      case '--dir':
        out.dir = value;
        break;
      default:
        problems.push(`unknown argument "${arg}"`);
    }
  }
  const envHub = env[BENCH_ENV.hubKubeconfig];
  if (out.hubKubeconfig === undefined && envHub !== undefined && envHub !== '') out.hubKubeconfig = envHub;
  const envSpokes = env[BENCH_ENV.spokeKubeconfigs];
  if (!spokeFlagSeen && envSpokes !== undefined && envSpokes !== '') {
    for (const part of envSpokes.split(',')) {
      if (part.trim() !== '') parseSpoke(part.trim(), out.spokeKubeconfigs, problems);
    }
  }
  const envRedis = env[BENCH_ENV.redisUrl];
  if (out.redisUrl === undefined && envRedis !== undefined && envRedis !== '') out.redisUrl = envRedis;
  const given = Object.keys(out.spokeKubeconfigs).length;
  if (given > 0 && !clustersFlagSeen) out.clusters = given;
  if (given > out.clusters) {
    problems.push(`${given} spoke kubeconfigs given but --clusters is ${out.clusters}`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${BENCH_USAGE}`);
  return out;
}

/**
 * Cluster names: the given spokes first (in the order given), then `cluster<i>` for the rest,
 * skipping names already taken.
 */
export function spokeNames(args: BenchArgs): string[] {
  const names = Object.keys(args.spokeKubeconfigs);
  for (let i = 1; names.length < args.clusters; i++) {
    const n = `cluster${i}`;
    if (!names.includes(n)) names.push(n);
  }
  return names;
}
