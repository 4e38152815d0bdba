import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  computeBackoff,
  decodeJwtClaims,
  JobName,
  createLogger,
  QUEUE_PREFIX,
  queueNameForCluster,
  type WorkerConfig,
} from '@msa/common';
import { SpokeClient, type WatchHandle } from './k8s/spoke-client.js';
import { HubClient } from './hub-client/hub-client.js';
import { CredentialKeeper } from './hub-client/credential-keeper.js';
import {
  checkHub,
  credentialRefusedMessage,
  HubCheckError,
  isCredentialRefused,
} from './hub-client/hub-check.js';
import { createProcessor, type WorkerLogger } from './queue/processor.js';
import { describeRedisCredentialError, isRedisCredentialError } from './queue/redis-errors.js';
import { requestRemint, SELF_JOB_OPTIONS } from './queue/request-remint.js';
import { WORKER_VERSION } from './version.js';

/** Options of {@link startWorker} beyond the validated config. */
export interface StartWorkerOptions {
  /** Logger; default: common's `createLogger` at `config.logLevel`. */
  logger?: WorkerLogger;
  /** Identifier sent in heartbeats; default `<hostname>-<pid>`. */
  workerId?: string;
  /** Called once when the worker stops itself for good (e.g. Redis refused its credentials). */
  onFatal?: (message: string) => void;
}

/** A running worker. */
export interface RunningWorker {
  /** The cluster this worker serves. */
  readonly cluster: string;
  /** Stops consuming, heartbeating, renewing and watching; bounded even when Redis is gone. */
  close(): Promise<void>;
}

/** Default of `hubStartupTimeoutSeconds`: how long start-up waits for an unreachable hub. */
export const DEFAULT_HUB_STARTUP_TIMEOUT_SECONDS = 120;
/** Default of `protectedServiceAccounts`: the ServiceAccount the worker chart runs as. */
export const DEFAULT_PROTECTED_SERVICE_ACCOUNTS = 'managed-serviceaccount-worker';
/** Where a pod's projected ServiceAccount token is mounted. */
const IN_CLUSTER_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Names in the agent namespace the worker must never mint for, create or delete: the configured
 * list and, in a pod, its own ServiceAccount (the `sub` of the mounted token) when it lives in
 * the agent namespace. Only the token's claims are read; the token itself is dropped.
 */
export async function protectedServiceAccountNames(
  config: Pick<WorkerConfig, 'protectedServiceAccounts' | 'agentNamespace' | 'kubeconfig'>,
  tokenFile: string = IN_CLUSTER_TOKEN_FILE,
): Promise<string[]> {
  const names = new Set(
    (config.protectedServiceAccounts ?? DEFAULT_PROTECTED_SERVICE_ACCOUNTS)
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  );
  if (config.kubeconfig === undefined) {
    const token = await readFile(tokenFile, 'utf8').catch(() => undefined);
    const sub = token === undefined ? undefined : decodeJwtClaims(token.trim())?.sub;
    const m = sub === undefined ? null : /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
    if (m !== null && m[1] === config.agentNamespace && m[2] !== undefined) names.add(m[2]);
  }
  return [...names].sort();
}

/** A start-up problem the operator must fix (the message says how). */
export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
}

async function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), t]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a spoke worker: checks the spoke (TokenRequest API), checks Redis credentials, checks
 * that the hub accepts its credential (first heartbeat; an unreachable hub is waited for up to
 * `hubStartupTimeoutSeconds`), creates the agent namespace, then consumes `{<cluster>}` (prefix
 * `msa`), heartbeats to the hub, renews its hub credential and watches labelled ServiceAccounts.
 * Throws {@link WorkerStartError} when the spoke, Redis or the hub cannot be used.
 */
export async function startWorker(
  config: WorkerConfig,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const logger: WorkerLogger =
    options.logger ?? createLogger({ name: 'spoke-worker', level: config.logLevel });
  const cluster = config.clusterName;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;

  const credentialText = await readFile(config.credentialFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new WorkerStartError(
      `credentialFile: cannot read ${config.credentialFile} (${err.code ?? 'error'})`,
    );
  });
  if (credentialText.trim() === '')
    throw new WorkerStartError(`credentialFile: ${config.credentialFile} is empty`);
  const hubCaPem =
    config.hubCaFile === undefined
      ? undefined
      : await readFile(config.hubCaFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new WorkerStartError(`hubCaFile: cannot read ${config.hubCaFile} (${err.code ?? 'error'})`);
        });

  const spoke = SpokeClient.create(
    config.kubeconfig === undefined
      ? { kind: 'in-cluster' }
      : { kind: 'kubeconfig', path: config.kubeconfig },
    config.agentNamespace,
  );
  let hasTokenRequest: boolean;
  try {
    hasTokenRequest = await spoke.hasTokenRequestApi();
  } catch (err) {
    throw new WorkerStartError(
      `cannot reach the spoke API server at ${spoke.server}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!hasTokenRequest) {
    throw new WorkerStartError(
      `the spoke API server at ${spoke.server} has no TokenRequest API (serviceaccounts/token is not listed in /api/v1); Kubernetes >= 1.22 is required`,
    );
  }
  const credential = new CredentialKeeper({ initial: credentialText, file: config.credentialFile, logger });
  const hub = new HubClient({
    hubUrl: config.hubUrl,
    ...(hubCaPem === undefined ? {} : { caPem: hubCaPem }),
    cluster,
    credential: () => credential.current(),
  });

  const queueName = queueNameForCluster(cluster);
  const keyPattern = `${QUEUE_PREFIX}:${queueName}:*`;
  // Workers need maxRetriesPerRequest: null (BullMQ requirement for blocking commands).
  // Until the worker is built, connection errors surface through the pre-flight below.
  let running = false;
  let preflightError: Error | undefined;
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  connection.on('error', (err: Error) => {
    if (!running) {
      // ioredis rejects connect() with "Connection is closed" after an AUTH failure; the real
      // reason (WRONGPASS) only comes through this event.
      preflightError ??= err;
      return;
    }
    if (isRedisCredentialError(err)) stopFatal(describeRedisCredentialError(err, keyPattern));
    else logger.warn({ err: err.message }, 'redis connection error');
  });
  try {
    await connection.connect();
    // Touch a key of our own queue: a wrong password or a missing ACL shows up here, once,
    // with a clear message, instead of as BullMQ's retry storm.
    await connection.exists(`${QUEUE_PREFIX}:${queueName}:meta`);
  } catch (caught) {
    // The 'error' event carrying the reason can come just after the rejection.
    if (preflightError === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    connection.disconnect();
    const err = isRedisCredentialError(caught) ? caught : (preflightError ?? caught);
    if (isRedisCredentialError(err))
      throw new WorkerStartError(describeRedisCredentialError(err, keyPattern));
    throw new WorkerStartError(`cannot use Redis: ${err instanceof Error ? err.message : String(err)}`);
  }

  // The hub must accept this worker before it consumes anything, and before it creates the agent
  // namespace: a wrong URL, CA or credential stops the process here with a clear message.
  const heartbeatBody = { workerId, agentNamespace: config.agentNamespace, version: WORKER_VERSION };
  try {
    await checkHub({
      hub,
      heartbeat: heartbeatBody,
      cluster,
      hubUrl: config.hubUrl,
      credentialFile: config.credentialFile,
      timeoutMs: (config.hubStartupTimeoutSeconds ?? DEFAULT_HUB_STARTUP_TIMEOUT_SECONDS) * 1000,
      logger,
    });
    await spoke.ensureAgentNamespace();
  } catch (err) {
    connection.disconnect();
    if (err instanceof HubCheckError) throw new WorkerStartError(err.message);
    throw err;
  }
  const protectedServiceAccounts = await protectedServiceAccountNames(config);

  let closed = false;
  let fatal = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  const handles: { watch?: WatchHandle } = {};

  const queue = new Queue(queueName, { connection, prefix: QUEUE_PREFIX });
  queue.on('error', (err: Error) => {
    if (isRedisCredentialError(err)) stopFatal(describeRedisCredentialError(err, keyPattern));
  });

  const processor = createProcessor({
    cluster,
    agentNamespace: config.agentNamespace,
    spoke,
    hub,
    logger,
    protectedServiceAccounts,
    rateLimit: async (ms) => {
      await worker.rateLimit(ms);
    },
  });
  const worker = new Worker(queueName, (job: Job) => processor(job), {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: config.concurrency,
    autorun: false,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
        const hint =
          err !== undefined && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number'
            ? err.retryAfterMs
            : undefined;
        return computeBackoff(attemptsMade, hint === undefined ? {} : { retryAfterMs: hint });
      },
    },
  });
  worker.on('error', (err: Error) => {
    if (isRedisCredentialError(err)) stopFatal(describeRedisCredentialError(err, keyPattern));
    else logger.warn({ err: err.message }, 'worker error');
  });
  worker.on('failed', (job: Job | undefined, err: Error) => {
    // job can be undefined (stalled). The error message never holds a token (see processor).
    logger.warn(
      {
        jobId: job?.id,
        job: job?.name,
        attemptsMade: job?.attemptsMade,
        terminal: job?.finishedOn !== undefined,
        err: err.message,
      },
      'job failed',
    );
  });

  running = true;

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearTimeout(heartbeatTimer);
    credential.stop();
    await handles.watch?.stop().catch(() => undefined);
    // worker.close() can hang forever when Redis is unreachable: bound it, then force.
    if (!(await withTimeout(worker.close(), 5_000))) await withTimeout(worker.close(true), 2_000);
    await withTimeout(queue.close(), 2_000);
    connection.disconnect();
  }

  function stopFatal(message: string): void {
    if (fatal) return;
    fatal = true;
    logger.error({}, message);
    void close().finally(() => options.onFatal?.(message));
  }

  // A failed heartbeat is retried sooner (1 s, 2 s, 4 s ... up to the interval), so a worker
  // that starts before the hub is seen as soon as the hub answers.
  let heartbeatFailures = 0;
  const heartbeat = async (): Promise<void> => {
    try {
      await hub.heartbeat(heartbeatBody);
      if (heartbeatFailures > 0) logger.info({ after: heartbeatFailures }, 'heartbeat accepted again');
      heartbeatFailures = 0;
    } catch (err) {
      if (isCredentialRefused(err)) {
        // Typically the credential expired while renewal could not run (paused process, long
        // hub outage). Renew once now (or adopt a newer credential file); if the hub refuses
        // that too, no retry can help: stop so the pod restarts visibly.
        try {
          logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'the hub refused the credential; renewing it now',
          );
          await credential.renew(hub, true);
        } catch (renewErr) {
          if (isCredentialRefused(renewErr)) {
            stopFatal(
              credentialRefusedMessage(
                cluster,
                config.credentialFile,
                renewErr instanceof Error ? renewErr.message : String(renewErr),
              ),
            );
            return;
          }
        }
      }
      heartbeatFailures += 1;
      logger.warn(
        { err: err instanceof Error ? err.message : String(err), failures: heartbeatFailures },
        'heartbeat failed',
      );
    } finally {
      if (!closed) {
        const intervalMs = config.heartbeatIntervalSeconds * 1000;
        const delay =
          heartbeatFailures === 0 ? intervalMs : Math.min(intervalMs, 1000 * 2 ** (heartbeatFailures - 1));
        heartbeatTimer = setTimeout(() => void heartbeat(), delay);
        heartbeatTimer.unref();
      }
    }
  };

  credential.start(hub);
  // The first heartbeat was sent by the start-up check.
  heartbeatTimer = setTimeout(() => void heartbeat(), config.heartbeatIntervalSeconds * 1000);
  heartbeatTimer.unref();
  handles.watch = spoke.watchLabelledServiceAccounts(
    (sa) => {
      if (closed) return;
      requestRemint(sa.name, { cluster, hub, queue, logger }).catch((err: unknown) => {
        logger.warn(
          { msa: sa.name, err: err instanceof Error ? err.message : String(err) },
          'could not queue a re-check',
        );
      });
    },
    (err) => logger.warn({ err: err.message }, 'serviceaccount watch error; restarting'),
  );
  // SAs whose MSA was deleted while this worker was down are orphans: sweep once at start (the
  // sweep itself refuses to run on an unsynced or empty list of live MSAs). Same deduplication id
  // as the hub's sweeps, so a hub-start sweep and this one fold.
  queue
    .add(
      JobName.Sweep,
      { cluster, reason: 'worker-start', enqueuedAt: new Date().toISOString() },
      {
        ...SELF_JOB_OPTIONS,
        deduplication: { id: `sweep.${cluster}`, replace: true, keepLastIfActive: true },
      },
    )
    .catch((err: unknown) =>
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'could not queue the start-up sweep',
      ),
    );
  worker.run().catch((err: unknown) => {
    if (isRedisCredentialError(err)) stopFatal(describeRedisCredentialError(err, keyPattern));
    else logger.error({ err: err instanceof Error ? err.message : String(err) }, 'worker stopped');
  });
  logger.info(
    {
      cluster,
      queue: queueName,
      spoke: spoke.server,
      agentNamespace: config.agentNamespace,
      concurrency: config.concurrency,
      protectedServiceAccounts,
      workerId,
    },
    'spoke worker started',
  );
  return { cluster, close };
}
