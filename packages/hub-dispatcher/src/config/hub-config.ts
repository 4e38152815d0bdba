import { X509Certificate, createPrivateKey } from 'node:crypto';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { HubConfigSchema, validateConfig, type HubConfig } from '@msa/common';

/** The process inputs config is read from (injected, so tests need no real environment). */
export interface ProcessInputs {
  /** Arguments after the command name (no `node`, no script). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/** Reads the real process inputs. The only place that touches `process.argv` / `process.env`. */
export function readProcessInputs(): ProcessInputs {
  return { argv: process.argv.slice(2), env: process.env };
}

/** Parsed command line: positional words and `--flag value` / `--flag=value` / `--bool` options. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string>;
}

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['help', 'h']);

/** Splits argv into positionals and flags (`--a b`, `--a=b`; `--` ends flags). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      } else {
        const key = arg.slice(2);
        const next = argv[i + 1];
        if (BOOLEAN_FLAGS.has(key) || next === undefined || next.startsWith('--')) flags.set(key, 'true');
        else {
          flags.set(key, next);
          i += 1;
        }
      }
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, flags };
}

/** One hub setting: its config key, flag and environment variables (first set wins). */
interface SettingSource {
  key: keyof HubConfig;
  flag: string;
  env: string[];
}

/** Flag and environment names of every hub setting (documented in the package README / report). */
export const HUB_SETTINGS: readonly SettingSource[] = Object.freeze([
  // KUBECONFIG itself (possibly a list of files) is left to client-node's default loading.
  { key: 'kubeconfig', flag: 'kubeconfig', env: ['MSA_HUB_KUBECONFIG'] },
  { key: 'redisUrl', flag: 'redis-url', env: ['MSA_HUB_REDIS_URL', 'REDIS_URL'] },
  { key: 'listenHost', flag: 'listen-host', env: ['MSA_HUB_LISTEN_HOST'] },
  { key: 'listenPort', flag: 'listen-port', env: ['MSA_HUB_LISTEN_PORT'] },
  { key: 'tlsCertFile', flag: 'tls-cert', env: ['MSA_HUB_TLS_CERT_FILE'] },
  { key: 'tlsKeyFile', flag: 'tls-key', env: ['MSA_HUB_TLS_KEY_FILE'] },
  { key: 'workerServiceAccountName', flag: 'worker-sa-name', env: ['MSA_HUB_WORKER_SA_NAME'] },
  { key: 'resyncPeriodSeconds', flag: 'resync-period-seconds', env: ['MSA_HUB_RESYNC_PERIOD_SECONDS'] },
  {
    key: 'revalidationIntervalSeconds',
    flag: 'revalidation-interval-seconds',
    env: ['MSA_HUB_REVALIDATION_INTERVAL_SECONDS'],
  },
  {
    key: 'heartbeatTimeoutSeconds',
    flag: 'heartbeat-timeout-seconds',
    env: ['MSA_HUB_HEARTBEAT_TIMEOUT_SECONDS'],
  },
  { key: 'ttlDeletionEnabled', flag: 'ttl-deletion', env: ['MSA_HUB_TTL_DELETION_ENABLED'] },
  { key: 'opsUsername', flag: 'ops-username', env: ['MSA_HUB_OPS_USERNAME'] },
  { key: 'opsPassword', flag: 'ops-password', env: ['MSA_HUB_OPS_PASSWORD'] },
  { key: 'logLevel', flag: 'log-level', env: ['MSA_HUB_LOG_LEVEL', 'LOG_LEVEL'] },
]);

/** Flags that are not settings but are accepted by `serve`. */
const EXTRA_SERVE_FLAGS = new Set(['config', 'ops-password-file', 'help', 'h']);

/** Result of {@link loadHubConfig}. */
export type HubConfigResult = { ok: true; config: HubConfig } | { ok: false; problems: string[] };

/**
 * Reads the hub configuration once, from (lowest to highest precedence) a JSON file
 * (`--config` / `MSA_HUB_CONFIG_FILE`), environment variables and flags; secrets may come from
 * files (`--ops-password-file` / `MSA_HUB_OPS_PASSWORD_FILE`). Validates it with common's
 * `HubConfigSchema` and reports every problem together, including unreadable TLS files and
 * unknown flags. The result is frozen.
 */
export function loadHubConfig(
  inputs: ProcessInputs,
  parsed: ParsedArgs = parseArgs(inputs.argv),
): HubConfigResult {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const { env } = inputs;

  const configFile = parsed.flags.get('config') ?? env.MSA_HUB_CONFIG_FILE;
  if (configFile !== undefined && configFile !== '') {
    try {
      const fromFile: unknown = JSON.parse(readFileSync(configFile, 'utf8'));
      if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
        problems.push(`config file ${configFile}: must hold a JSON object of settings`);
      } else Object.assign(raw, fromFile);
    } catch (err) {
      problems.push(`config file ${configFile}: cannot be read as JSON (${(err as Error).message})`);
    }
  }

  for (const s of HUB_SETTINGS) {
    for (const name of [...s.env].reverse()) {
      const v = env[name];
      if (v !== undefined && v !== '') raw[s.key] = v;
    }
    const flag = parsed.flags.get(s.flag);
    if (flag !== undefined) raw[s.key] = flag;
  }

  const passwordFile = parsed.flags.get('ops-password-file') ?? env.MSA_HUB_OPS_PASSWORD_FILE;
  if (passwordFile !== undefined && passwordFile !== '') {
    try {
      raw.opsPassword = readFileSync(passwordFile, 'utf8').trim();
    } catch (err) {
      problems.push(`ops-password-file ${passwordFile}: cannot be read (${(err as Error).message})`);
    }
  }

  const known = new Set(HUB_SETTINGS.map((s) => s.flag));
  for (const flag of parsed.flags.keys()) {
    if (!known.has(flag) && !EXTRA_SERVE_FLAGS.has(flag)) {
      problems.push(`--${flag}: is not a known flag; see \`msa-hub --help\``);
    }
  }

  const result = validateConfig(HubConfigSchema, raw);
  if (!result.ok) problems.push(...result.problems);
  // File checks run on the raw values too, so a bad port and a missing file show in one round.
  const files = [
    ['tlsCertFile', result.ok ? result.value.tlsCertFile : raw.tlsCertFile],
    ['tlsKeyFile', result.ok ? result.value.tlsKeyFile : raw.tlsKeyFile],
    ['kubeconfig', result.ok ? result.value.kubeconfig : raw.kubeconfig],
  ] as const;
  for (const [key, path] of files) {
    if (typeof path !== 'string' || path === '') continue;
    try {
      accessSync(path, fsConstants.R_OK);
    } catch {
      problems.push(
        `${key}: file ${JSON.stringify(path)} cannot be read; set it to an existing readable file`,
      );
      continue;
    }
    if (key === 'tlsCertFile' || key === 'tlsKeyFile') {
      const pemProblem = checkPem(key, path);
      if (pemProblem !== undefined) problems.push(pemProblem);
    }
  }
  if (result.ok && (result.value.opsUsername === undefined) !== (result.value.opsPassword === undefined)) {
    problems.push('opsUsername/opsPassword: set both to enable the /ops dashboard, or neither to disable it');
  }
  if (problems.length > 0) return { ok: false, problems: problems.map(withSettingNames) };
  if (!result.ok) return { ok: false, problems: result.problems.map(withSettingNames) };
  return { ok: true, config: result.value };
}

/**
 * Parses the TLS certificate or key up front: otherwise a non-PEM file surfaces at listen time
 * as a bare OpenSSL error (`error:1E08010C:DECODER routines::unsupported`) naming no file.
 */
function checkPem(key: 'tlsCertFile' | 'tlsKeyFile', path: string): string | undefined {
  try {
    const pem = readFileSync(path);
    if (key === 'tlsKeyFile') createPrivateKey(pem);
    else new X509Certificate(pem);
    return undefined;
  } catch {
    return key === 'tlsKeyFile'
      ? `tlsKeyFile: file ${JSON.stringify(path)} is not a valid PEM private key; point it at the unencrypted key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA/EC PRIVATE KEY-----") that belongs to the serving certificate`
      : `tlsCertFile: file ${JSON.stringify(path)} is not a valid PEM certificate; point it at the serving certificate ("-----BEGIN CERTIFICATE-----"), not the key or a DER file (convert with \`openssl x509 -inform der -in F -out F.pem\`)`;
  }
}

/**
 * Problems from the schema name internal keys (`redisUrl: is required`); users set flags and
 * environment variables, so name those too: `--redis-url (MSA_HUB_REDIS_URL or REDIS_URL): ...`.
 */
function withSettingNames(problem: string): string {
  const colon = problem.indexOf(':');
  if (colon <= 0) return problem;
  const head = problem.slice(0, colon);
  const names = head.split('/').map((k) => HUB_SETTINGS.find((s) => s.key === k));
  if (names.some((n) => n === undefined)) return problem;
  const label = names.map((n) => (n === undefined ? '' : `--${n.flag} (${n.env.join(' or ')})`)).join(' / ');
  return `${label}${problem.slice(colon)}`;
}

/** Kubeconfig location for commands that only talk to the hub API server (install-crds, register-cluster). */
export function kubeconfigFrom(inputs: ProcessInputs, parsed: ParsedArgs): string | undefined {
  const v = parsed.flags.get('kubeconfig') ?? inputs.env.MSA_HUB_KUBECONFIG;
  return v === undefined || v === '' ? undefined : v;
}
