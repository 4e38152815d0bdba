import { readFileSync } from 'node:fs';
import {
  LABEL_MANAGED_SA,
  LABEL_MANAGED_SA_VALUE,
  QUEUE_PREFIX,
  createLogger,
  redactConfig,
  HubConfigSchema,
  type HubConfig,
  type ManagedServiceAccount,
  type TokenSecret,
} from '@msa/common';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Dispatcher } from './controller/dispatcher.js';
import { HubApiService } from './controller/hub-api-service.js';
import { WorkerHealth } from './controller/worker-health.js';
import { buildHubApp } from './http/build-hub-app.js';
import { requireCrds } from './k8s/crds.js';
import { createKubeConfig } from './k8s/kube-config.js';
import { kubePaths } from './k8s/kube-paths.js';
import { KubeRest } from './k8s/kube-rest.js';
import { ResourceInformer, describe } from './k8s/resource-informer.js';
import { TokenReviewer } from './k8s/token-reviewer.js';
import { HubMetrics } from './metrics/hub-metrics.js';
import { ClusterQueues } from './queue/cluster-queues.js';
import { DEAD_LETTER_QUEUE, DeadLetters } from './queue/dead-letters.js';
import { isRedisCredentialError, redisCredentialMessage } from './queue/redis-errors.js';

/** Knobs for tests and embedding; production uses the defaults. */
export interface StartHubOptions {
  logger?: Logger;
  clock?: () => Date;
  /** Called once when the hub must stop (Redis credentials refused). Default: log only. */
  onFatal?: (err: Error) => void;
  /** Serve plain HTTP even though TLS files are configured (tests only). */
  insecureHttp?: boolean;
  /** Plan debounce after events; default 250 ms. */
  planDelayMs?: number;
  /** Dead-letter poll period; default 10 s. */
  deadLetterPollMs?: number;
  /** Re-validation tick period; default min(60 s, interval / 100). */
  revalidationTickMs?: number;
  /** WorkerAvailable check period; default heartbeatTimeout / 3. */
  healthCheckMs?: number;
  /** Job attempts before dead-lettering; default 8. */
  jobAttempts?: number;
  /** How long to wait for informers to list at start; default 60 s. */
  syncTimeoutMs?: number;
  /** TokenReview cache lifetime; default 30 s. */
  tokenReviewCacheMs?: number;
}

/** A running hub. */
export interface HubHandle {
  /** Base URL the API listens on, e.g. `https://127.0.0.1:8443`. */
  url: string;
  app: FastifyInstance;
  dispatcher: Dispatcher;
  queues: ClusterQueues;
  deadLetters: DeadLetters;
  metrics: HubMetrics;
  health: WorkerHealth;
  /** Stops everything: timers, informers, HTTP, BullMQ (with a timeout race), Redis. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 5000;

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function connectRedis(url: string, logger: Logger, onFatal: (err: Error) => void): Promise<Redis> {
  // Producers fail fast instead of queueing commands while Redis is away (ECOSYSTEM-NOTES).
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 2, lazyConnect: true });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
    if (isRedisCredentialError(err)) onFatal(err);
    else logger.warn({ err: err.message }, 'redis connection error');
  });
  try {
    await withTimeout(redis.connect(), 15_000);
  } catch (err) {
    redis.disconnect();
    // ioredis rejects connect() with "Connection is closed"; the reason came as an 'error' event.
    if (isRedisCredentialError(err)) throw new Error(redisCredentialMessage(err));
    if (isRedisCredentialError(lastError)) throw new Error(redisCredentialMessage(lastError));
    throw new Error(`cannot connect to Redis at the configured URL: ${(err as Error).message}`);
  }
  if (redis.status !== 'ready') {
    redis.disconnect();
    throw new Error(`cannot connect to Redis: ${lastError?.message ?? 'timed out'}`);
  }
  // Probe the key space the hub needs: an ACL that does not cover `msa:*` fails here, once, with
  // a clear message, instead of as a stream of rejected enqueues.
  try {
    await redis.exists(`${QUEUE_PREFIX}:${DEAD_LETTER_QUEUE}:meta`);
  } catch (err) {
    redis.disconnect();
    if (isRedisCredentialError(err)) throw new Error(redisCredentialMessage(err));
    throw err;
  }
  // BullMQ loses jobs silently if Redis evicts keys (ECOSYSTEM-NOTES): say so loudly.
  const policy = /maxmemory_policy:(\S+)/.exec(await redis.info('memory').catch(() => ''))?.[1];
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn(
      { policy },
      'Redis maxmemory-policy is not noeviction: queued jobs may be evicted; set maxmemory-policy noeviction',
    );
  }
  return redis;
}

/**
 * Starts the hub dispatcher: checks the CRDs, connects to Redis, starts the informers, waits for
 * them to list, serves the hub API and schedules the periodic work. Throws (with every step
 * cleaned up) when something needed is missing.
 */
export async function startHub(config: HubConfig, options: StartHubOptions = {}): Promise<HubHandle> {
  const logger = options.logger ?? createLogger({ name: 'msa-hub', level: config.logLevel });
  const clock = options.clock ?? (() => new Date());
  logger.info({ config: redactConfig(HubConfigSchema, config) }, 'starting msa-hub');

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ err: describe(err) }, 'error while stopping');
      }
    }
    cleanups.length = 0;
  };

  let fatalCalled = false;
  let started = false;
  const onFatal = (err: Error): void => {
    // During start-up the failing step rejects startHub itself with the same message.
    if (fatalCalled || !started) return;
    fatalCalled = true;
    const message = isRedisCredentialError(err) ? redisCredentialMessage(err) : err.message;
    logger.fatal({}, message);
    options.onFatal?.(new Error(message));
  };

  try {
    const rest = new KubeRest(createKubeConfig({ kubeconfigPath: config.kubeconfig }));
    await requireCrds(rest);

    const redis = await connectRedis(config.redisUrl, logger, onFatal);
    cleanups.push(async () => {
      await withTimeout(
        redis.quit().then(() => undefined),
        2000,
      );
      redis.disconnect();
    });

    // Late-bound references: the queues report to metrics and the dashboard built after them.
    const late: { metrics?: HubMetrics; addToDashboard?: (q: Queue) => void; dispatcher?: Dispatcher } = {};
    const queues = new ClusterQueues({
      connection: redis,
      attempts: options.jobAttempts ?? 8,
      onFatal,
      onError: (cluster, err) => logger.warn({ cluster, err: err.message }, 'queue error'),
      onEnqueued: (kind) => late.metrics?.jobsEnqueued.inc({ kind }),
      onQueueCreated: (_cluster, q) => late.addToDashboard?.(q),
    });
    cleanups.push(() => withTimeout(queues.close(), CLOSE_TIMEOUT_MS).then(() => undefined));
    const deadLetters = new DeadLetters({
      connection: redis,
      queues,
      onFatal,
      onError: (err) => logger.warn({ err: err.message }, 'dead-letter queue error'),
      onDeadLettered: (cluster) => late.metrics?.deadLetters.inc({ cluster }),
    });
    cleanups.push(() => withTimeout(deadLetters.close(), CLOSE_TIMEOUT_MS).then(() => undefined));

    const metrics = new HubMetrics({
      defaultMetrics: false,
      queueDepths: async () => {
        const rows: { queue: string; state: string; count: number }[] = [];
        for (const q of [...queues.clusters().map((c) => queues.queue(c)), deadLetters.queue]) {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          for (const [state, count] of Object.entries(counts)) rows.push({ queue: q.name, state, count });
        }
        return rows;
      },
    });
    late.metrics = metrics;

    const resyncMs = config.resyncPeriodSeconds * 1000;
    const informerCommon = {
      rest,
      relistMs: resyncMs,
      logger,
    };
    const msas = new ResourceInformer<ManagedServiceAccount & { metadata: { name?: string } }>({
      ...informerCommon,
      name: 'managedserviceaccounts',
      path: kubePaths.msaAll(),
      onChange: (c) => late.dispatcher?.onMsaChange(c),
      onRestart: () => metrics.informerRestarts.inc({ informer: 'managedserviceaccounts' }),
    });
    const secrets = new ResourceInformer<TokenSecret>({
      ...informerCommon,
      name: 'secrets',
      path: kubePaths.secretAll(),
      labelSelector: `${LABEL_MANAGED_SA}=${LABEL_MANAGED_SA_VALUE}`,
      onChange: (c) => late.dispatcher?.onSecretChange(c),
      onRestart: () => metrics.informerRestarts.inc({ informer: 'secrets' }),
    });
    const clusters = new ResourceInformer<{ metadata?: { name?: string } }>({
      ...informerCommon,
      name: 'managedclusters',
      path: kubePaths.clusters(),
      onChange: (c) => late.dispatcher?.onClusterChange(c),
      onRestart: () => metrics.informerRestarts.inc({ informer: 'managedclusters' }),
    });
    const informers = [msas, secrets, clusters];

    const health = new WorkerHealth({
      rest,
      msas,
      heartbeatTimeoutSeconds: config.heartbeatTimeoutSeconds,
      clock,
      logger,
      onStatusWrite: (reason) => metrics.statusWrites.inc({ reason }),
      // Another agent namespace means other SAs: re-plan the cluster so every token is re-minted.
      onAgentNamespaceChange: (cluster) =>
        late.dispatcher?.onClusterChange({
          type: 'update',
          object: { metadata: { name: cluster } },
          old: {},
        }),
    });
    await health.load();

    const d = new Dispatcher({
      rest,
      queues,
      msas,
      secrets,
      clusters,
      health,
      clock,
      logger,
      revalidationIntervalSeconds: config.revalidationIntervalSeconds,
      ttlDeletionEnabled: config.ttlDeletionEnabled,
      planDelayMs: options.planDelayMs,
      onFailure: (err) => {
        if (isRedisCredentialError(err)) onFatal(err as Error);
      },
      onStatusWrite: (reason) => metrics.statusWrites.inc({ reason }),
    });
    late.dispatcher = d;
    cleanups.push(async () => {
      d.stop();
      await Promise.all(informers.map((i) => i.stop()));
    });
    for (const i of informers) i.start();
    await Promise.all(informers.map((i) => i.waitForSync(options.syncTimeoutMs ?? 60_000)));

    const service = new HubApiService({
      rest,
      msas,
      health,
      workerServiceAccountName: config.workerServiceAccountName,
      clock,
      logger,
      onStatusWrite: (reason) => metrics.statusWrites.inc({ reason }),
    });
    const reviewer = new TokenReviewer(rest, { cacheTtlMs: options.tokenReviewCacheMs ?? 30_000 });
    const useTls = options.insecureHttp !== true;
    const { app, dashboard } = await buildHubApp({
      logger,
      service,
      reviewer,
      workerServiceAccountName: config.workerServiceAccountName,
      metrics,
      opsUsername: config.opsUsername,
      opsPassword: config.opsPassword,
      deadLetters,
      rotateCluster: (cluster) => d.rotateCluster(cluster),
      queues: () => [...queues.clusters().map((c) => queues.queue(c)), deadLetters.queue],
      readiness: async () => {
        const synced = informers.every((i) => i.hasSynced);
        let redisOk = false;
        try {
          redisOk = (await withTimeout(redis.ping(), 1000)) === 'PONG';
        } catch {
          redisOk = false;
        }
        return { ready: synced && redisOk, checks: { informersSynced: synced, redis: redisOk } };
      },
      https: useTls
        ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }
        : undefined,
    });
    if (dashboard !== undefined) late.addToDashboard = (q) => dashboard.addQueue(q);
    cleanups.push(() => withTimeout(app.close(), CLOSE_TIMEOUT_MS).then(() => undefined));

    const address = await app.listen({ host: config.listenHost, port: config.listenPort });
    const url = address.replace(/^http:/, useTls ? 'https:' : 'http:');

    // Start-up: rebuild every job and rotation deadline from the hub (Redis holds only work),
    // and ask every cluster's worker for an orphan sweep now that the live list is complete.
    const planned = d.replanAll();
    for (const c of clusters.list()) {
      const name = c.metadata?.name;
      if (name === undefined) continue;
      queues.queue(name);
      queues
        .enqueueSweep({ cluster: name, reason: 'hub-start', enqueuedAt: clock().toISOString() })
        .catch((err: unknown) => logger.warn({ cluster: name, err: describe(err) }, 'cannot enqueue sweep'));
    }
    logger.info({ url, msas: planned, clusters: clusters.list().length }, 'msa-hub ready');

    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, fn: () => unknown, what: string): void => {
      let busy = false;
      const t = setInterval(() => {
        if (busy) return;
        busy = true;
        Promise.resolve()
          .then(fn)
          .catch((err: unknown) => {
            if (isRedisCredentialError(err)) onFatal(err as Error);
            else logger.warn({ err: describe(err) }, `${what} failed`);
          })
          .finally(() => {
            busy = false;
          });
      }, ms);
      t.unref();
      timers.push(t);
    };
    every(resyncMs, () => d.replanAll(), 'periodic re-plan');
    const revalMs =
      options.revalidationTickMs ??
      Math.max(1000, Math.min(60_000, (config.revalidationIntervalSeconds * 1000) / 100));
    every(revalMs, () => d.revalidationTick(), 're-validation');
    void d.revalidationTick();
    every(
      options.healthCheckMs ?? Math.max(1000, (config.heartbeatTimeoutSeconds * 1000) / 3),
      () => health.check(),
      'worker health check',
    );
    every(options.deadLetterPollMs ?? 10_000, () => deadLetters.sweep(), 'dead-letter sweep');
    cleanups.push(() => {
      for (const t of timers) clearInterval(t);
    });

    started = true;
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      dispatcher: d,
      queues,
      deadLetters,
      metrics,
      health,
      close: () => {
        closing ??= cleanup().then(() => logger.info({}, 'msa-hub stopped'));
        return closing;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
