import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { HubConfigSchema, createLogger, validateConfig, type HubConfig } from '@msa/common';
import { KubeRest, createKubeConfig, installCrds, startHub } from '@msa/hub-dispatcher';
import {
  createCertificateAuthority,
  issueServingCertificate,
  startCluster,
  type SimCluster,
} from '@msa/kube-sim';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'packages', 'hub-dispatcher', 'dist', 'cli.js');
const redisUrl = inject('redisUrl');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `msa-hub` bin (npm test builds first) with a clean environment. */
function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`msa-hub ${args.join(' ')} timed out:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let sim: SimCluster;
let kubeconfig: string;
let rest: KubeRest;
let caFile: string;
let tlsEnv: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` (npm test builds first)`);
  dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
  sim = await startCluster({ name: 'hub-cli' });
  kubeconfig = join(dir, 'hub.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  rest = new KubeRest(createKubeConfig({ kubeconfigPath: kubeconfig }));
  const ca = await createCertificateAuthority('hub-cli-ca');
  const serving = await issueServingCertificate(ca, []);
  caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem);
  tlsEnv = {
    MSA_HUB_KUBECONFIG: kubeconfig,
    REDIS_URL: redisUrl,
    MSA_HUB_TLS_CERT_FILE: join(dir, 'tls.crt'),
    MSA_HUB_TLS_KEY_FILE: join(dir, 'tls.key'),
    MSA_HUB_LISTEN_HOST: '127.0.0.1',
    MSA_HUB_LOG_LEVEL: 'info',
  };
});

afterAll(async () => {
  await sim?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('msa-hub CLI', () => {
  it('lists every configuration problem and exits 2', async () => {
    const r = await runCli(['serve', '--listen-port', 'x'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--redis-url (MSA_HUB_REDIS_URL or REDIS_URL): is required');
    expect(r.stderr).toContain('--listen-port (MSA_HUB_LISTEN_PORT):');
    expect(r.stderr).toContain('--tls-cert (MSA_HUB_TLS_CERT_FILE): is required');
    expect(r.stderr).toContain('--tls-key (MSA_HUB_TLS_KEY_FILE): is required');
  });

  it('reports a bad port and unreadable TLS files in one round', async () => {
    const r = await runCli(
      ['serve', '--listen-port', 'abc', '--tls-cert', '/nope.crt', '--tls-key', '/nope.key'],
      { REDIS_URL: redisUrl },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--listen-port (MSA_HUB_LISTEN_PORT):');
    expect(r.stderr).toContain('--tls-cert (MSA_HUB_TLS_CERT_FILE): file "/nope.crt" cannot be read');
    expect(r.stderr).toContain('--tls-key (MSA_HUB_TLS_KEY_FILE): file "/nope.key" cannot be read');
  });

  it('names a TLS key that is not PEM and exits 2 instead of an OpenSSL error', async () => {
    const r = await runCli(['serve', '--listen-port', '0', '--tls-key', caFile], tlsEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`file ${JSON.stringify(caFile)} is not a valid PEM private key`);
    expect(r.stderr).not.toContain('DECODER');
  });

  it('register-cluster: a bad cluster name is an input error (exit 2)', async () => {
    const r = await runCli(['register-cluster', 'Bad_Name', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cluster name "Bad_Name"');
  });

  it('refuses to start without the CRDs, saying what to install', async () => {
    const r = await runCli(['serve', '--listen-port', '0'], tlsEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'CRD managedserviceaccounts.authentication.open-cluster-management.io is not installed on the hub: run `msa-hub install-crds`',
    );
    expect(r.stderr).toContain('managedclusters.cluster.open-cluster-management.io');
  });

  it('installs the CRDs, registers a cluster, serves, and stops cleanly on SIGTERM', async () => {
    const installed = await runCli(['install-crds', '--kubeconfig', kubeconfig]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(
      'managedserviceaccounts.authentication.open-cluster-management.io created, Established',
    );
    const again = await runCli(['install-crds', '--kubeconfig', kubeconfig]);
    expect(again.stdout).toContain(
      'managedserviceaccounts.authentication.open-cluster-management.io updated, Established',
    );

    const reg = await runCli([
      'register-cluster',
      'spoke-1',
      '--kubeconfig',
      kubeconfig,
      '--hub-url',
      'https://hub.example:8443',
      '--ca-file',
      caFile,
      '--credential-seconds',
      '7200',
    ]);
    expect(reg.code).toBe(0);
    const out = JSON.parse(reg.stdout) as Record<string, string>;
    expect(out).toMatchObject({
      clusterName: 'spoke-1',
      namespace: 'spoke-1',
      serviceAccount: 'managed-serviceaccount-worker',
      hubUrl: 'https://hub.example:8443',
    });
    expect(out.hubCaPem).toContain('BEGIN CERTIFICATE');
    const exp = Date.parse(out.tokenExpirationTimestamp ?? '');
    expect(exp - Date.now()).toBeGreaterThan(7000_000);
    expect(exp - Date.now()).toBeLessThan(7300_000);
    const review = await rest.create<{ status: { authenticated: boolean; user: { username: string } } }>(
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: out.token } },
    );
    expect(review.status.authenticated).toBe(true);
    expect(review.status.user.username).toBe('system:serviceaccount:spoke-1:managed-serviceaccount-worker');
    expect(
      await rest.getOptional('/apis/cluster.open-cluster-management.io/v1/managedclusters/spoke-1'),
    ).toBeDefined();

    expect(reg.stderr).not.toContain('warning');
    const env = await runCli(['register-cluster', 'spoke-1', '--kubeconfig', kubeconfig, '--output', 'env']);
    expect(env.code).toBe(0);
    // No CA and no hub URL: still registered, but the user is told what the worker lacks.
    expect(env.stderr).toContain('warning: no hub CA given (--ca-file');
    expect(env.stderr).toContain('--tls-cert');
    expect(env.stderr).toContain('warning: no --hub-url (MSA_HUB_URL) given');
    expect(env.stdout).toMatch(/^MSA_CLUSTER_NAME='spoke-1'$/m);
    expect(env.stdout).toMatch(/^MSA_HUB_URL='https:\/\/127\.0\.0\.1:8443'$/m);
    expect(env.stdout).toMatch(/^MSA_HUB_TOKEN='[^']+'$/m);

    // serve: ready over HTTPS, then SIGTERM → exit 0.
    const child = spawn(process.execPath, [CLI, 'serve', '--listen-port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...tlsEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
    child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start:\n${logs}`)), 30_000);
      const poll = setInterval(() => {
        const m = /"url":"(https:\/\/127\.0\.0\.1:\d+)"/.exec(logs);
        if (m?.[1] !== undefined) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1]);
        }
      }, 50);
    });
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(`${url}/readyz`, { ca: readFileSync(caFile) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    expect(logs).toContain('ops dashboard disabled');
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(logs).toContain('msa-hub stopped');
  });

  it('stops with a clear message when Redis rejects the credentials', async () => {
    await installCrds(rest);
    const url = new URL(redisUrl);
    url.username = 'nobody';
    url.password = 'wrong';
    const validated = validateConfig(HubConfigSchema, {
      kubeconfig,
      redisUrl: url.toString(),
      listenHost: '127.0.0.1',
      listenPort: 0,
      tlsCertFile: join(dir, 'tls.crt'),
      tlsKeyFile: join(dir, 'tls.key'),
      logLevel: 'silent',
    });
    if (!validated.ok) throw new Error(validated.problems.join('\n'));
    const config: HubConfig = validated.value;
    await expect(startHub(config, { logger: createLogger({ name: 't', level: 'silent' }) })).rejects.toThrow(
      /Redis rejected our credentials/,
    );
  });
  it('stops at start with a clear message when the Redis ACL does not cover msa:*', async () => {
    await installCrds(rest);
    const admin = new Redis(redisUrl);
    const user = `hub-noperm-${process.pid}`;
    await admin.call('ACL', 'SETUSER', user, 'on', '>pw-1', '~other:*', '+@all');
    await admin.quit();
    const url = new URL(redisUrl);
    url.username = user;
    url.password = 'pw-1';
    const validated = validateConfig(HubConfigSchema, {
      kubeconfig,
      redisUrl: url.toString(),
      listenHost: '127.0.0.1',
      listenPort: 0,
      tlsCertFile: join(dir, 'tls.crt'),
      tlsKeyFile: join(dir, 'tls.key'),
      logLevel: 'silent',
    });
    if (!validated.ok) throw new Error(validated.problems.join('\n'));
    await expect(
      startHub(validated.value, { logger: createLogger({ name: 't', level: 'silent' }) }),
    ).rejects.toThrow(/Redis refused a command \(ACL NOPERM\).*msa:\*/);
  });
});
