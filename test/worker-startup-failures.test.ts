// The worker process on its own: start-up checks and credential problems must stop it with a
// clear message (and an exit code), never turn into a retry storm. Spoke = in-process kube-sim;
// Redis = the suite's server with ACL users made for this file.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createCertificateAuthority,
  issueServingCertificate,
  renderKubeconfig,
  startCluster,
  type SimCluster,
} from '@msa/kube-sim';
import { CLI } from '../scripts/lib/stack.js';

interface Outcome {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `msa-worker` with `args` until it exits (or `timeoutMs`, then SIGKILL). */
function runWorker(args: string[], timeoutMs = 80_000, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI.worker, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

let spoke: SimCluster;
let dir: string;
let admin: Redis;
let port: number;
/** A stand-in hub: accepts `Bearer good`, answers 401 to anything else. */
let hub: Server;
let hubUrl: string;
const AGENT_NS = 'open-cluster-management-agent-addon';
/** Set by the run-time test: the hub then refuses every credential (as after expiry). */
let refuseAll = false;
let renewalsRefused = 0;

function fakeHub(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.setHeader('content-type', 'application/json');
  if (req.headers.authorization !== 'Bearer good' || refuseAll) {
    if (req.url?.endsWith('/credential')) renewalsRefused += 1;
    res.statusCode = 401;
    res.end(
      JSON.stringify({ code: 'MSA_ERR_UNAUTHENTICATED', message: 'invalid credential', terminal: false }),
    );
    return;
  }
  if (req.url?.endsWith('/heartbeat')) res.end(JSON.stringify({ serverTime: new Date().toISOString() }));
  else if (req.url?.endsWith('/managedserviceaccounts'))
    res.end(JSON.stringify({ synced: false, items: [] }));
  else {
    res.statusCode = 404;
    res.end(JSON.stringify({ code: 'MSA_ERR_NOT_FOUND', message: 'not here' }));
  }
}
const users = ['msa-e2e-noperm', 'msa-e2e-revoked'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msa-worker-test-'));
  spoke = await startCluster({ name: 'cluster1' });
  await spoke.writeKubeconfig(join(dir, 'spoke.kubeconfig'));
  writeFileSync(join(dir, 'credential'), 'not-used-before-redis-is-checked');
  writeFileSync(join(dir, 'good-credential'), 'good');
  const hubCa = await createCertificateAuthority('fake-hub');
  const hubCert = await issueServingCertificate(hubCa, []);
  writeFileSync(join(dir, 'hub-ca.crt'), hubCa.certPem);
  hub = createServer({ cert: hubCert.certPem, key: hubCert.keyPem }, fakeHub);
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  const hubAddr = hub.address();
  hubUrl = `https://127.0.0.1:${typeof hubAddr === 'object' && hubAddr ? hubAddr.port : 0}`;
  port = inject('redisPort');
  admin = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  // Allowed everywhere except this worker's own queue keys.
  await admin.call(
    'ACL',
    'SETUSER',
    'msa-e2e-noperm',
    'on',
    '>pw',
    'resetkeys',
    '~msa:{other}:*',
    'resetchannels',
    '+@all',
    '-@dangerous',
    '+info',
  );
  await admin.call(
    'ACL',
    'SETUSER',
    'msa-e2e-revoked',
    'on',
    '>pw',
    'resetkeys',
    '~msa:{cluster1}:*',
    'resetchannels',
    '+@all',
    '-@dangerous',
    '+info',
  );
}, 60_000);

afterAll(async () => {
  for (const u of users) await admin.call('ACL', 'DELUSER', u).catch(() => undefined);
  admin.disconnect();
  await new Promise((resolve) => hub.close(resolve));
  await spoke.close();
});

const baseArgs = (redisUrl: string, kubeconfig = join(dir, 'spoke.kubeconfig')): string[] => [
  '--cluster-name',
  'cluster1',
  '--kubeconfig',
  kubeconfig,
  '--redis-url',
  redisUrl,
  // Never reached by the Redis and spoke cases: they fail before the first hub call.
  '--hub-url',
  'https://127.0.0.1:1',
  '--credential-file',
  join(dir, 'credential'),
];

// Sequential and with generous timeouts: each case spawns a Node process, which is slow on a busy
// 2-core machine.
describe('msa-worker start-up and credential failures', { timeout: 120_000 }, () => {
  it('lists every configuration problem at once and exits 2', async () => {
    const r = await runWorker([
      '--cluster-name',
      'Not_A_Label',
      '--hub-url',
      'http://insecure',
      '--concurrency',
      '0',
    ]);
    expect(r.code).toBe(2);
    for (const field of [
      'clusterName',
      'hubUrl',
      'concurrency',
      'redisUrl',
      'credentialFile',
      'kubeconfig',
    ]) {
      expect(r.output).toContain(field);
    }
  });

  it('fails at start when the spoke has no TokenRequest API', async () => {
    const ca = await createCertificateAuthority('no-token-request');
    const cert = await issueServingCertificate(ca, []);
    const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/v1')) {
        // A discovery document without the serviceaccounts/token subresource.
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              {
                name: 'serviceaccounts',
                namespaced: true,
                kind: 'ServiceAccount',
                verbs: ['get', 'list', 'create', 'delete'],
              },
            ],
          }),
        );
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const addr = server.address();
      const url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const kc = join(dir, 'no-token-request.kubeconfig');
      writeFileSync(kc, renderKubeconfig({ name: 'old', url, caPem: ca.certPem, token: 'x' }));
      const r = await runWorker(baseArgs(`redis://127.0.0.1:${port}/14`, kc));
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/no TokenRequest API \(serviceaccounts\/token is not listed in \/api\/v1\)/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops at start with a clear message on NOPERM and on WRONGPASS', async () => {
    const [noperm, wrongpass] = await Promise.all([
      runWorker(baseArgs(`redis://msa-e2e-noperm:pw@127.0.0.1:${port}/14`)),
      runWorker(baseArgs(`redis://msa-e2e-noperm:wrong@127.0.0.1:${port}/14`)),
    ]);
    expect(noperm.code).toBe(1);
    expect(noperm.output).toContain('NOPERM');
    expect(noperm.output).toContain('msa:{cluster1}:*');
    expect(wrongpass.code).toBe(1);
    expect(wrongpass.output, wrongpass.output).toContain('WRONGPASS');
    for (const r of [noperm, wrongpass]) expect(r.output).not.toContain('pw@');
  });

  // With Redis usable, the hub is checked next; the agent namespace is only created once it passed.
  const withHub = (url: string, credential: string, ca: boolean): string[] => {
    const args = baseArgs(`redis://127.0.0.1:${port}/14`);
    args[args.indexOf('--hub-url') + 1] = url;
    args[args.indexOf('--credential-file') + 1] = join(dir, credential);
    return ca ? [...args, '--hub-ca-file', join(dir, 'hub-ca.crt')] : args;
  };

  it('stops (exit 1) on an unreachable hub after --hub-startup-timeout-seconds, and on a refused credential or an untrusted hub at once', async () => {
    const [unreachable, refused, wrongCa] = await Promise.all([
      runWorker([
        ...withHub('https://127.0.0.1:1', 'good-credential', true),
        '--hub-startup-timeout-seconds',
        '2',
      ]),
      runWorker(withHub(hubUrl, 'credential', true)),
      runWorker(withHub(hubUrl, 'good-credential', false)),
    ]);
    expect(unreachable.code, unreachable.output).toBe(1);
    expect(unreachable.output).toMatch(/the hub does not answer yet; retrying before consuming jobs/);
    expect(unreachable.output).toMatch(
      /cannot start: the hub at https:\/\/127\.0\.0\.1:1 is unreachable: no answer for 2 s \(last error: .*ECONNREFUSED\)/,
    );
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain('cannot start: the hub refused the worker credential (');
    expect(refused.output).toContain('HTTP 401 MSA_ERR_UNAUTHENTICATED');
    expect(refused.output).toContain('re-run `msa-hub register-cluster cluster1`');
    expect(wrongCa.code, wrongCa.output).toBe(1);
    expect(wrongCa.output).toMatch(
      /cannot verify the hub's TLS certificate at https:\/\/127\.0\.0\.1:\d+ \(.*(CERT|SIGNATURE)/,
    );
    expect(wrongCa.output).toContain('--hub-ca-file');
    // One attempt each for the fatal cases: no retry storm.
    for (const r of [refused, wrongCa]) expect(r.output).not.toContain('retrying');
    expect(spoke.get('v1', 'Namespace', undefined, AGENT_NS)).toBeUndefined();
  });

  it('stops (exit 1, no retry storm) when its ACL is revoked while it runs', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI.worker,
        ...withHub(hubUrl, 'good-credential', true).map((a) =>
          a === `redis://127.0.0.1:${port}/14` ? `redis://msa-e2e-revoked:pw@127.0.0.1:${port}/14` : a,
        ),
      ],
      {
        env: { PATH: process.env['PATH'] ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const started = new Promise<void>((resolve) => {
      const onData = (c: Buffer): void => {
        output += c.toString();
        if (output.includes('spoke worker started')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const kill = setTimeout(() => child.kill('SIGKILL'), 80_000);
    try {
      await started;
      await admin.call('ACL', 'SETUSER', 'msa-e2e-revoked', 'resetkeys', '~msa:{other}:*');
      const code = await exited;
      expect(code).toBe(1);
      expect(output).toMatch(/NOPERM.*stopping the worker/);
      // BullMQ alone would log NOPERM thousands of times a second; the worker stops at once.
      expect(output.split('\n').filter((l) => l.includes('NOPERM')).length).toBeLessThan(20);
    } finally {
      clearTimeout(kill);
      child.kill('SIGKILL');
    }
  });

  it('stops (exit 1) when the hub refuses its credential at run time and refuses the renewal too', async () => {
    const child = spawn(
      process.execPath,
      [CLI.worker, ...withHub(hubUrl, 'good-credential', true), '--heartbeat-interval-seconds', '1'],
      { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const started = new Promise<void>((resolve) => {
      const onData = (c: Buffer): void => {
        output += c.toString();
        if (output.includes('spoke worker started')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await started;
      refuseAll = true;
      const code = await exited;
      expect(code, output).toBe(1);
      expect(renewalsRefused).toBe(1);
      expect(output).toContain('the hub refused the credential; renewing it now');
      expect(output).toMatch(
        /msa-worker: the hub refused the worker credential \(POST \/v1\/clusters\/cluster1\/credential: HTTP 401/,
      );
      expect(output).toContain('re-run `msa-hub register-cluster cluster1`');
    } finally {
      refuseAll = false;
      clearTimeout(kill);
      child.kill('SIGKILL');
    }
  });
});
