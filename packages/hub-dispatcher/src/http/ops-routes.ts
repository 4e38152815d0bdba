import { timingSafeEqual, createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { ErrorCode, MsaError } from '@msa/common';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DeadLetters } from '../queue/dead-letters.js';
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
}

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
        void reply.header('WWW-Authenticate', 'Basic realm="msa-hub ops"');
        throw new MsaError(ErrorCode.Unauthenticated, 'the ops area needs basic auth');
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
  });
  deps.logger.info({}, 'ops dashboard enabled at /ops/queues (basic auth)');
  return handle;
}
