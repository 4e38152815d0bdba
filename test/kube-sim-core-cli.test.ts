import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubectl } from './support/kubectl.js';

// The `kube-sim` command (packages/kube-sim/dist/cli.js, built by `npm run build`).
const CLI = fileURLToPath(new URL('../packages/kube-sim/dist/cli.js', import.meta.url));

function run(args: string[]): {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout: () => string;
  kill: (s: NodeJS.Signals) => void;
} {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { done, stdout: () => stdout, kill: (s) => child.kill(s) };
}

describe('kube-sim CLI', () => {
  it('lists every flag problem and exits 2', async () => {
    const { code, stderr } = await run(['--port', 'abc', '--max-token-seconds', '-1', '--what']).done;
    expect(code).toBe(2);
    expect(stderr).toContain('unknown argument "--what"');
    expect(stderr).toContain('--port must be an integer, got "abc"');
    expect(stderr).toContain('--kubeconfig is required');
  });

  it('prints usage for --help and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']).done;
    expect(code).toBe(0);
    expect(stdout).toContain('usage: kube-sim --port <n> --kubeconfig <file>');
    expect(stdout).toContain('--enforce-rbac');
    expect(stderr).toBe('');
  });

  it('refuses a kubeconfig in a missing directory before serving: one message, exit 2', async () => {
    const { code, stdout, stderr } = await run(['--port', '0', '--kubeconfig', '/nonexistent-dir/kc.yaml'])
      .done;
    expect(code).toBe(2);
    expect(stdout).not.toContain('serving on');
    expect(stderr).toContain(
      'kube-sim: --kubeconfig /nonexistent-dir/kc.yaml: directory /nonexistent-dir does not exist',
    );
    expect(stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('names a busy port in one line and exits 1', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'kube-sim-cli-'));
      const { code, stderr } = await run(['--port', String(port), '--kubeconfig', join(dir, 'kc.yaml')]).done;
      expect(code).toBe(1);
      expect(stderr).toBe(`kube-sim: port ${port} on 127.0.0.1 is in use; use --port 0 for a free port\n`);
      expect(existsSync(join(dir, 'kc.yaml'))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('writes the kubeconfig once serving, prints the URL, serves kubectl, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-sim-cli-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const proc = run([
      '--port',
      '0',
      '--kubeconfig',
      kubeconfig,
      '--name',
      'cli-test',
      '--min-token-seconds',
      '60',
    ]);
    const deadline = Date.now() + 20_000;
    while (!proc.stdout().includes('serving on')) {
      if (Date.now() > deadline) throw new Error('kube-sim did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(proc.stdout()).toMatch(
      /^kube-sim cli-test serving on https:\/\/127\.0\.0\.1:\d+ \(kubeconfig .+\)\n$/,
    );
    expect(existsSync(kubeconfig)).toBe(true);
    const ns = await kubectl(['get', 'namespace', 'kube-system', '-o', 'name'], { kubeconfig });
    expect(ns.stdout).toBe('namespace/kube-system\n');
    const ctx = await kubectl(['config', 'current-context'], { kubeconfig });
    expect(ctx.stdout.trim()).toBe('cli-test');
    proc.kill('SIGTERM');
    expect((await proc.done).code).toBe(0);
  });
});
