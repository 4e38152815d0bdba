import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

/** Port of the private Redis that every e2e test file shares (inject('redisPort')). */
declare module 'vitest' {
  export interface ProvidedContext {
    redisPort: number;
    redisUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRedis(proc: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)}:\n${out}`));
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (apt-get install -y redis-server): ${err.message}`));
    });
  });
}

/** Starts one private redis-server for the whole e2e run; never touches the machine's own Redis. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    [
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
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForRedis(proc);
  project.provide('redisPort', port);
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  return async () => {
    proc.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
  };
}
