import { timingSafeEqual, createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { ErrorCode, MsaError } from '@msa/common';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DeadLetters } from '../queue/dead-letters.js';
import { errorBody } from './error-handling.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';

/** Readiness as reported by `/readyz`. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

/** A handle to add queues to the dashboard as clusters appear. */
export interface DashboardHandle {
  addQueue(queue: Queue): void;
}

/** What the ops routes need. */
export interface OpsRoutesDeps {
  metrics: HubMetrics;
  readiness: () => Promise<Readiness>;
  /** Basic-auth credentials of `/ops`; when absent, `/ops` is disabled. */
  opsUsername?: string | undefined;
  opsPassword?: string | undefined;
  deadLetters?: DeadLetters | undefined;
  /** Queues shown on the dashboard at start (cluster queues + dead-letter queue). */
  queues?: () => Queue[];
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /**
   * Forces a new token for every MSA of one cluster (`POST /ops/clusters/:cluster/rotate`);
   * resolves undefined when no ManagedCluster of that name exists.
   */
  rotateCluster?: ((cluster: string) => Promise<{ enqueued: number } | undefined>) | undefined;
  /** Minimum time between two forced rotations of one cluster; default 60 s. */
  clusterRotateWindowSeconds?: number | undefined;
  /** Clock for the rate limit; default `Date.now`. */
  nowMs?: (() => number) | undefined;
}

/** Default of {@link OpsRoutesDeps.clusterRotateWindowSeconds}. */
export const CLUSTER_ROTATE_WINDOW_SECONDS = 60;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Pure: checks an Authorization header against basic-auth credentials, in constant time. */
export function checkBasicAuth(header: string | undefined, username: string, password: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, sep)), digest(username));
  const passOk = timingSafeEqual(digest(decoded.slice(sep + 1)), digest(password));
  return userOk && passOk;
}

/**
 * Probes, metrics, and the `/ops` area (bull-board dashboard of every cluster queue and the
 * dead-letter queue; dead-letter listing and replay) behind basic auth.
 */
export async function registerOpsRoutes(
  app: FastifyInstance,
  deps: OpsRoutesDeps,
): Promise<DashboardHandle | undefined> {
  app.get('/healthz', () => Promise.resolve({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const r = await deps.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  const { opsUsername: user, opsPassword: pass } = deps;
  if (user === undefined || pass === undefined) {
    deps.logger.warn(
      {},
      'ops dashboard disabled: set opsUsername and opsPassword (--ops-username/--ops-password or MSA_HUB_OPS_USERNAME/MSA_HUB_OPS_PASSWORD) to enable /ops/queues and /ops/dead-letters',
    );
    return undefined;
  }

  let handle: DashboardHandle | undefined;
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (!checkBasicAuth(request.headers.authorization, user, pass)) {
        // Answer here rather than throw: bull-board's plugin has its own error handler, which
        // would turn the error into its `{error:{key}}` shape under /ops/queues.
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Basic realm="msa-hub ops"')
          .type('application/json')
          .send(errorBody(ErrorCode.Unauthenticated, 'the ops area needs basic auth'));
      }
    });

    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/ops/queues');
    const board = createBullBoard({
      queues: (deps.queues?.() ?? []).map((q) => new BullMQAdapter(q)),
      serverAdapter,
    });
    handle = { addQueue: (q) => board.addQueue(new BullMQAdapter(q)) };
    await scope.register(serverAdapter.registerPlugin(), { prefix: '/ops/queues' });

    const dead = deps.deadLetters;
    scope.get('/ops/dead-letters', async () => ({ items: dead === undefined ? [] : await dead.list() }));
    scope.post<{ Params: { id: string } }>('/ops/dead-letters/:id/replay', async (request) => {
      const replayed = dead === undefined ? undefined : await dead.replay(request.params.id);
      if (replayed === undefined) {
        throw new MsaError(ErrorCode.RouteNotFound, `no dead letter ${request.params.id}`);
      }
      deps.metrics.jobsEnqueued.inc({ kind: 'replay' });
      return { replayed: true, ...replayed };
    });

    // A cluster-wide rotation costs one TokenRequest per MSA on that cluster: one call per
    // window per cluster, so a retrying script or a double click cannot hammer the spoke.
    const rotate = deps.rotateCluster;
    const windowMs = (deps.clusterRotateWindowSeconds ?? CLUSTER_ROTATE_WINDOW_SECONDS) * 1000;
    const nowMs = deps.nowMs ?? Date.now;
    const lastRotation = new Map<string, number>();
    scope.post<{ Params: { cluster: string } }>('/ops/clusters/:cluster/rotate', async (request, reply) => {
      const { cluster } = request.params;
      if (rotate === undefined)
        throw new MsaError(ErrorCode.RouteNotFound, 'cluster rotation is not available');
      const last = lastRotation.get(cluster);
      const now = nowMs();
      if (last !== undefined && now - last < windowMs) {
        const retryAfter = Math.max(1, Math.ceil((last + windowMs - now) / 1000));
        void reply.header('Retry-After', String(retryAfter));
        throw new MsaError(
          ErrorCode.RateLimited,
          `cluster ${cluster} was rotated less than ${windowMs / 1000}s ago; retry in ${retryAfter}s`,
        );
      }
      lastRotation.set(cluster, now);
      let result: { enqueued: number } | undefined;
      try {
        result = await rotate(cluster);
      } catch (err) {
        // Nothing was (fully) enqueued: do not hold the operator back for a whole window.
        lastRotation.delete(cluster);
        throw err;
      }
      if (result === undefined) {
        lastRotation.delete(cluster);
        throw new MsaError(ErrorCode.ClusterNotFound, `no ManagedCluster named "${cluster}"`);
      }
      deps.logger.info({ cluster, enqueued: result.enqueued }, 'forced rotation of every MSA of a cluster');
      return reply.code(202).send({ cluster, enqueued: result.enqueued });
    });
  });
  deps.logger.info({}, 'ops dashboard enabled at /ops/queues (basic auth)');
  return handle;
}
