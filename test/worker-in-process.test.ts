// The worker library in-process (startWorker) against a kube-sim spoke, the suite's Redis and a
// small HTTPS stand-in for the hub API that records what the worker sends. Checks what only the
// worker controls: credential renewal without a restart, what it reports, and that tokens never
// reach Redis or its logs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  WorkerConfigSchema,
  createLogger,
  dedupIdForMsa,
  JobName,
  QUEUE_PREFIX,
  queueNameForCluster,
  validateConfig,
  type ReconcileJobData,
} from '@msa/common';
import {
  createCertificateAuthority,
  issueServingCertificate,
  startCluster,
  type SimCluster,
} from '@msa/kube-sim';
import { startWorker, type RunningWorker } from '@msa/spoke-worker';
import { waitFor } from '../scripts/lib/kube.js';

// A Redis database of this file's own (see docs/testing.md): nothing else's queues can leak in.
const REDIS_DB = 13;
const fakeJwt = (claims: object): string =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

interface Recorded {
  method: string;
  path: string;
  bearer: string;
  body: Record<string, unknown>;
  at: number;
}

let spoke: SimCluster;
let hub: Server;
let hubUrl: string;
let worker: RunningWorker;
let queue: Queue;
let redis: Redis;
const calls: Recorded[] = [];
const logs: string[] = [];
const now = Math.floor(Date.now() / 1000);
/** Lifetime of the first credential; issued just before the worker starts (see beforeAll). */
const FIRST_LIFE = 6;
let issuedAt = 0;
let firstCredential = '';
let workerStartedAt = 0;
const renewedCredential = fakeJwt({
  sub: 'system:serviceaccount:cluster1:managed-serviceaccount-worker',
  iat: now,
  exp: now + 3600,
});

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'msa-worker-inproc-'));
  spoke = await startCluster({ name: 'cluster1' });
  await spoke.writeKubeconfig(join(dir, 'spoke.kubeconfig'));
  const ca = await createCertificateAuthority('fake-hub');
  const cert = await issueServingCertificate(ca, []);
  writeFileSync(join(dir, 'hub-ca.crt'), ca.certPem);
  hub = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      const path = req.url ?? '';
      calls.push({
        method: req.method ?? '',
        path,
        bearer: (req.headers.authorization ?? '').replace(/^Bearer /, ''),
        body,
        at: Date.now(),
      });
      res.setHeader('content-type', 'application/json');
      const reply = (status: number, payload: unknown): void => {
        res.statusCode = status;
        res.end(JSON.stringify(payload));
      };
      if (path.endsWith('/heartbeat')) return reply(200, { serverTime: new Date().toISOString() });
      if (path.endsWith('/credential'))
        return reply(200, {
          token: renewedCredential,
          expirationTimestamp: new Date((now + 3600) * 1000).toISOString(),
        });
      if (path.endsWith('/managedserviceaccounts'))
        return reply(200, { synced: true, items: [{ name: 'inproc', uid: 'u-1', deleting: false }] });
      if (path.endsWith('/tokens'))
        return reply(200, { secretName: body['name'], lastRefreshTimestamp: new Date().toISOString() });
      if (path.endsWith('/failures')) return reply(200, { recorded: true });
      return reply(404, { code: 'MSA_ERR_NOT_FOUND', message: 'no such route', statusCode: 404 });
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  const addr = hub.address();
  hubUrl = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const redisUrl = `${inject('redisUrl')}/${REDIS_DB}`;
  const flush = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  await flush.flushdb();
  flush.disconnect();
  const config = validateConfig(WorkerConfigSchema, {
    clusterName: 'cluster1',
    kubeconfig: join(dir, 'spoke.kubeconfig'),
    redisUrl,
    hubUrl,
    hubCaFile: join(dir, 'hub-ca.crt'),
    credentialFile: join(dir, 'credential'),
    concurrency: 4,
    heartbeatIntervalSeconds: 1,
  });
  if (!config.ok) throw new Error(config.problems.join('; '));
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  // Issued now, so a slow machine cannot eat its life before the worker runs.
  issuedAt = Math.floor(Date.now() / 1000);
  firstCredential = fakeJwt({
    sub: 'system:serviceaccount:cluster1:managed-serviceaccount-worker',
    iat: issuedAt,
    exp: issuedAt + FIRST_LIFE,
  });
  writeFileSync(join(dir, 'credential'), firstCredential);
  worker = await startWorker(config.value, {
    logger: createLogger({ name: 'spoke-worker', level: 'debug', destination }),
  });
  workerStartedAt = Date.now();
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queue = new Queue(queueNameForCluster('cluster1'), { connection: redis, prefix: QUEUE_PREFIX });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  redis?.disconnect();
  await new Promise((resolve) => hub?.close(resolve));
  await spoke?.close();
});

// mintReason is widened to string: common's MintReasonSchema is built from an array, so its
// static type does not carry the literals.
type ReconcilePayload = Omit<ReconcileJobData, 'mintReason'> & { mintReason: string | null };
const reconcileData = (over: Partial<ReconcilePayload> = {}): ReconcilePayload => ({
  cluster: 'cluster1',
  namespace: 'cluster1',
  name: 'inproc',
  uid: 'u-1',
  expirationSeconds: 3600,
  mintReason: 'StatusMissing',
  verify: false,
  enqueuedAt: new Date().toISOString(),
  ...over,
});

describe('spoke worker in-process', () => {
  it('renews its hub credential at ~80% of its life and keeps heartbeating with the new one, without a restart', async () => {
    await waitFor(
      'a heartbeat with the renewed credential',
      () =>
        Promise.resolve(
          calls.some((c) => c.path.endsWith('/heartbeat') && c.bearer === renewedCredential)
            ? true
            : undefined,
        ),
      15_000,
    );
    const renewals = calls.filter((c) => c.path === '/v1/clusters/cluster1/credential');
    expect(renewals).toHaveLength(1);
    const renewal = renewals[0];
    if (renewal === undefined) throw new Error('no renewal');
    expect(renewal.bearer).toBe(firstCredential);
    // Due at iat + 0.8 × life (at once if the worker started later than that), and before expiry.
    const due = (issuedAt + 0.8 * FIRST_LIFE) * 1000;
    expect(renewal.at).toBeGreaterThanOrEqual(Math.min(due, workerStartedAt) - 100);
    expect(renewal.at).toBeLessThan((issuedAt + FIRST_LIFE) * 1000);
    expect(
      calls
        .filter((c) => c.path.endsWith('/heartbeat') && c.at < renewal.at)
        .every((c) => c.bearer === firstCredential),
    ).toBe(true);
    expect(calls.filter((c) => c.at > renewal.at).every((c) => c.bearer === renewedCredential)).toBe(true);
    const hb = calls.find((c) => c.path.endsWith('/heartbeat'));
    expect(hb?.body).toMatchObject({
      agentNamespace: 'open-cluster-management-agent-addon',
      version: '0.1.0',
    });
  });

  it('mints with the requested lifetime, reports token + CA + granted expiry, and keeps the token out of Redis and logs', async () => {
    const job = await queue.add(JobName.Reconcile, reconcileData({ rotateToken: 'r-1' }), {
      deduplication: { id: dedupIdForMsa('cluster1', 'inproc') },
      attempts: 3,
    });
    const report = await waitFor(
      'the token report',
      () => Promise.resolve(calls.find((c) => c.path === '/v1/clusters/cluster1/tokens')),
      15_000,
    );
    const token = String(report.body['token']);
    expect(report.body).toMatchObject({
      name: 'inproc',
      uid: 'u-1',
      requestedExpirationSeconds: 3600,
      rotateToken: 'r-1',
    });
    expect(report.body['caBundle']).toBe(spoke.caPem);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
      sub: string;
      aud: unknown;
    };
    expect(claims.sub).toBe('system:serviceaccount:open-cluster-management-agent-addon:inproc');
    expect(claims.exp - claims.iat).toBe(3600);
    expect(Date.parse(String(report.body['expirationTimestamp']))).toBe(claims.exp * 1000);
    const done = await waitFor(
      'the job to complete',
      async () => {
        const j = await queue.getJob(job.id ?? '');
        return j?.finishedOn !== undefined ? j : undefined;
      },
      10_000,
    );
    expect(done.returnvalue).toMatchObject({
      action: 'minted',
      reason: 'StatusMissing',
      serviceAccountCreated: true,
    });
    // Nothing in this cluster's Redis keys or in the worker's log lines holds the token.
    const keys = await redis.keys(`${QUEUE_PREFIX}:${queueNameForCluster('cluster1')}:*`);
    for (const key of keys) {
      const type = await redis.type(key);
      const dump =
        type === 'hash'
          ? JSON.stringify(await redis.hgetall(key))
          : type === 'string'
            ? String(await redis.get(key))
            : type === 'list'
              ? JSON.stringify(await redis.lrange(key, 0, -1))
              : type === 'zset'
                ? JSON.stringify(await redis.zrange(key, 0, -1))
                : type === 'stream'
                  ? JSON.stringify(await redis.xrange(key, '-', '+'))
                  : '';
      expect(dump.includes(token), key).toBe(false);
    }
    expect(logs.join('').includes(token)).toBe(false);
    expect(logs.join('').includes(firstCredential)).toBe(false);
    expect(logs.join('').includes(renewedCredential)).toBe(false);
  });

  it('a validity below the spoke minimum fails at once with the API server message reported to the hub', async () => {
    const job = await queue.add(
      JobName.Reconcile,
      reconcileData({ name: 'too-short', uid: 'u-2', expirationSeconds: 300 }),
      {
        deduplication: { id: dedupIdForMsa('cluster1', 'too-short') },
        attempts: 5,
        backoff: { type: 'custom' },
      },
    );
    const failure = await waitFor(
      'the failure report',
      () =>
        Promise.resolve(
          calls.find((c) => c.path === '/v1/clusters/cluster1/failures' && c.body['name'] === 'too-short'),
        ),
      15_000,
    );
    expect(failure.body).toMatchObject({ uid: 'u-2', reason: 'TokenReportFailed', retryable: false });
    expect(String(failure.body['message'])).toContain('may not specify a duration less than 10 minutes');
    const failed = await waitFor(
      'the job to fail',
      async () => {
        const j = await queue.getJob(job.id ?? '');
        return j?.finishedOn !== undefined ? j : undefined;
      },
      10_000,
    );
    // UnrecoverableError: one attempt, no retries.
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('may not specify a duration less than 10 minutes');
  });
});
