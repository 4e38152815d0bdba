import type { StartClusterOptions } from '../cluster/start-cluster.js';

/** Parsed command line of `kube-sim`. */
export interface CliConfig {
  cluster: StartClusterOptions;
  kubeconfigPath: string;
}

/** Result of {@link parseCliArgs}: a frozen config or every problem found. */
export type CliParse = { ok: true; config: Readonly<CliConfig> } | { ok: false; problems: string[] };

/** Usage text. */
export const USAGE =
  'usage: kube-sim --port <n> --kubeconfig <file> [--name NAME] [--min-token-seconds 600] [--max-token-seconds N] [--issuer URL] [--enforce-rbac]';

const VALUE_FLAGS = new Set([
  '--port',
  '--kubeconfig',
  '--min-token-seconds',
  '--max-token-seconds',
  '--issuer',
  '--name',
]);
const BOOL_FLAGS = new Set(['--enforce-rbac']);

function integer(
  flag: string,
  raw: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (!/^\d+$/.test(raw)) {
    problems.push(`${flag} must be an integer, got "${raw}"`);
    return undefined;
  }
  const n = Number(raw);
  if (n < min || n > max) {
    problems.push(`${flag} must be between ${min} and ${max}, got ${n}`);
    return undefined;
  }
  return n;
}

/** Parse and validate the command line, reporting all problems together. */
export function parseCliArgs(argv: string[]): CliParse {
  const problems: string[] = [];
  const values = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (BOOL_FLAGS.has(flag)) {
      bools.add(flag);
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      problems.push(`unknown argument "${arg}"`);
      continue;
    }
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (value.startsWith('--') && eq < 0)) {
      problems.push(`${flag} needs a value`);
      if (value?.startsWith('--')) i--;
      continue;
    }
    if (values.has(flag)) problems.push(`${flag} given more than once`);
    values.set(flag, value);
  }
  const port = values.has('--port')
    ? integer('--port', values.get('--port') ?? '', 0, 65535, problems)
    : undefined;
  if (!values.has('--port')) problems.push('--port is required (0 picks a free port)');
  const kubeconfigPath = values.get('--kubeconfig');
  if (!kubeconfigPath) problems.push('--kubeconfig is required');
  const min = values.has('--min-token-seconds')
    ? integer('--min-token-seconds', values.get('--min-token-seconds') ?? '', 1, 2 ** 32, problems)
    : undefined;
  const max = values.has('--max-token-seconds')
    ? integer('--max-token-seconds', values.get('--max-token-seconds') ?? '', 1, 2 ** 32, problems)
    : undefined;
  if (min !== undefined && max !== undefined && max < min)
    problems.push('--max-token-seconds must not be less than --min-token-seconds');
  const issuer = values.get('--issuer');
  if (issuer !== undefined) {
    try {
      const u = new URL(issuer);
      if (u.protocol !== 'https:') problems.push(`--issuer must be an https URL, got "${issuer}"`);
    } catch {
      problems.push(`--issuer must be a URL, got "${issuer}"`);
    }
  }
  const name = values.get('--name');
  if (name !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    problems.push(`--name must be a DNS label, got "${name}"`);
  if (problems.length > 0) return { ok: false, problems };
  const cluster: StartClusterOptions = {
    port: port ?? 0,
    ...(name !== undefined ? { name } : {}),
    ...(min !== undefined ? { minTokenSeconds: min } : {}),
    ...(max !== undefined ? { maxTokenSeconds: max } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(bools.has('--enforce-rbac') ? { enforceRbac: true } : {}),
  };
  return {
    ok: true,
    config: Object.freeze({ cluster: Object.freeze(cluster), kubeconfigPath: kubeconfigPath ?? '' }),
  };
}
