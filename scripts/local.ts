// `npm run local`: the whole system on this machine, each component a real process started
// through its CLI (kube-sim hub + cluster1 + cluster2, Redis, msa-hub, one msa-worker per spoke).
// Prints where everything is and exactly one line starting with "ready"; Ctrl-C stops it all.
import { isAbsolute, relative, sep } from 'node:path';
import type { ProcessGroup } from './lib/processes.js';
import { startStack, REPO_ROOT, type Stack } from './lib/stack.js';

const USAGE = 'usage: npm run local -- [--dir <path>] [--min-token-seconds <n>] [--max-token-seconds <n>]';

function parseArgs(argv: readonly string[]): { dir: string; min?: number; max?: number } {
  const out: { dir: string; min?: number; max?: number } = { dir: '.msa-local' };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (value === undefined) {
      problems.push(`${flag} needs a value`);
      continue;
    }
    if (flag === '--dir') out.dir = value;
    else if (flag === '--min-token-seconds' || flag === '--max-token-seconds') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        problems.push(`${flag} must be a whole number of seconds >= 1, got "${value}"`);
      else if (flag === '--min-token-seconds') out.min = n;
      else out.max = n;
    } else problems.push(`unknown argument "${arg}"`);
  }
  if (problems.length > 0) {
    process.stderr.write(`local: ${problems.join('; ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
let stack: Stack | undefined;
let group: ProcessGroup | undefined;
let stopping = false;

async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`local: ${reason}: stopping every process`);
  // Past this, process.exit's 'exit' hook (scripts/lib/processes.ts) SIGKILLs whatever is left.
  const force = setTimeout(() => process.exit(0), 9_500);
  force.unref();
  await (stack?.stop() ?? group?.stopAll(3000));
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));
// The children run in their own process groups (so Ctrl-C reaches only this process, which stops
// them in order), hence nothing else stops them when whoever started us dies without passing a
// signal on (`kill -TERM <npm pid>` kills npm and its shell, not us): we are re-parented then.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void stop(`parent process ${parentPid} exited`);
}, 1000).unref();

try {
  const envRedis = process.env['REDIS_URL'];
  stack = await startStack({
    dir: args.dir,
    redisUrl: envRedis === undefined || envRedis === '' ? undefined : envRedis,
    minTokenSeconds: args.min,
    maxTokenSeconds: args.max,
    detached: true,
    onProcessGroup: (g) => {
      group = g;
    },
    log: (m) => say(`local: ${m}`),
  });
} catch (err) {
  // After a signal during start-up the failure is ours (processes stopped): stop() exits.
  if (!stopping) {
    process.stderr.write(`local: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
if (stack !== undefined && !stopping) printWhereEverythingIs(stack);

function printWhereEverythingIs(s: Stack): void {
  // Relative to the cwd when inside it (short to copy), absolute otherwise (no `../../tmp/x`).
  const rel = (p: string): string => {
    const r = relative(process.cwd(), p);
    if (r === '') return '.';
    return r.split(sep)[0] === '..' || isAbsolute(r) ? p : r;
  };
  const kubectl = rel(`${REPO_ROOT}/.tools/bin/kubectl`);
  say('');
  say(`Hub API:        ${s.hubUrl}  (CA: ${rel(`${s.dir}/hub-tls/ca.crt`)})`);
  say(`Dashboard:      ${s.ops.dashboardUrl}  user ${s.ops.username}  password ${s.ops.password}`);
  say(`Redis:          ${s.redisUrl}`);
  say(
    `Kubeconfigs:    ${rel(s.hub.kubeconfigPath)}  ${Object.values(s.spokes)
      .map((c) => rel(c.kubeconfigPath))
      .join('  ')}`,
  );
  say(`Logs:           ${rel(`${s.dir}/logs`)}/`);
  say(
    `Try:            ${kubectl} --kubeconfig ${rel(s.hub.kubeconfigPath)} apply -f examples/sample-msa.yaml`,
  );
  say(`Then:           ${kubectl} --kubeconfig ${rel(s.hub.kubeconfigPath)} get managedserviceaccounts -A`);
  say('');
  say(`ready: hub ${s.hubUrl}, clusters ${Object.keys(s.spokes).join(', ')} (Ctrl-C stops everything)`);
}
