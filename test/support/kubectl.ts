import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned kubectl 1.35 (ADR 0003); never the one on PATH. */
export const KUBECTL_PATH = fileURLToPath(new URL('../../.tools/bin/kubectl', import.meta.url));

/** Output of one kubectl run. */
export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** What a kubeconfig needs to reach one simulated cluster. */
export interface KubeconfigSpec {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** PEM CA bundle; omitted means `insecure-skip-tls-verify` (tests that verify TLS pass it). */
  caPem?: string;
  /** Bearer token of the user; omitted means an anonymous user entry. */
  token?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

let scratch: string | undefined;
/** One private directory per test process for kubeconfigs and kubectl's discovery cache. */
function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
  return scratch;
}

let counter = 0;

/** Renders a kubeconfig (JSON, which kubectl reads like YAML) for {@link KubeconfigSpec}. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const cluster: Record<string, string | boolean> = { server: spec.server };
  if (spec.caPem !== undefined)
    cluster['certificate-authority-data'] = Buffer.from(spec.caPem).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, string> = {};
  if (spec.token !== undefined) user['token'] = spec.token;
  const context: Record<string, string> = { cluster: 'sim', user: 'user' };
  if (spec.namespace !== undefined) context['namespace'] = spec.namespace;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sim', cluster }],
    users: [{ name: 'user', user }],
    contexts: [{ name: 'sim', context }],
    'current-context': 'sim',
  });
}

/** Writes a kubeconfig into the private scratch directory (mode 0600) and returns its path. */
export function writeKubeconfig(spec: KubeconfigSpec | string): string {
  counter += 1;
  const path = join(scratchDir(), `kubeconfig-${process.pid}-${counter}.json`);
  writeFileSync(path, typeof spec === 'string' ? spec : renderKubeconfig(spec), { mode: 0o600 });
  return path;
}

/** Options of {@link kubectl}. */
export interface KubectlOptions {
  /** Path of a kubeconfig file (see {@link writeKubeconfig}). */
  kubeconfig: string;
  /** Written to kubectl's stdin (for `apply -f -`). */
  input?: string;
  /** Kill kubectl after this many milliseconds; default 30 000. */
  timeoutMs?: number;
}

/**
 * Runs `.tools/bin/kubectl` with `--kubeconfig` and a private cache directory, and resolves with
 * its output and exit code (it never rejects on a non-zero exit, only when kubectl cannot start).
 */
export function kubectl(args: readonly string[], opts: KubectlOptions): Promise<KubectlResult> {
  const cacheDir = join(scratchDir(), 'cache');
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL_PATH, ['--kubeconfig', opts.kubeconfig, '--cache-dir', cacheDir, ...args], {
      // A clean environment: no KUBECONFIG or proxy settings of the machine leak in.
      env: { PATH: process.env['PATH'] ?? '', HOME: scratchDir(), NO_PROXY: '*' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString() + (signal !== null ? `\n[kubectl killed by ${signal}]` : ''),
        exitCode: code ?? -1,
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}
