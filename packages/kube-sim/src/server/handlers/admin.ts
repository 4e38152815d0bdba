import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, pathNotFound } from '../../api/status-error.js';
import { isJsonObject } from '../../api/types.js';
import type { CountFilter } from '../../faults/request-counters.js';
import type { FaultMatch } from '../../faults/fault-controller.js';
import { readBody, sendJson } from '../http-io.js';
import type { ServerContext } from '../server-context.js';

/** Prefix of kube-sim's own admin routes; never part of the Kubernetes API surface. */
export const ADMIN_PREFIX = '/__sim/';

function matchOf(body: Record<string, unknown>): FaultMatch {
  const m: FaultMatch = {};
  if (typeof body.pathPrefix === 'string') m.pathPrefix = body.pathPrefix;
  if (typeof body.verb === 'string') m.verb = body.verb;
  if (typeof body.method === 'string') m.method = body.method;
  return m;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * Admin routes (documented in docs/kube-sim.md), for tests in other processes:
 * `GET|DELETE /__sim/counters`, `GET|POST|DELETE /__sim/faults`, `POST /__sim/drop-watches`,
 * `POST /__sim/rotate-signing-key`. The caller must present the admin token.
 */
export async function handleAdmin(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const route = path.slice(ADMIN_PREFIX.length);
  const method = req.method ?? 'GET';
  if (route === 'counters') {
    if (method === 'DELETE') {
      ctx.counters.reset();
      sendJson(res, 200, { reset: true });
      return;
    }
    const filter: CountFilter = {};
    for (const k of ['method', 'pathPrefix', 'verb', 'resource'] as const) {
      const v = query.get(k);
      if (v !== null) filter[k] = v;
    }
    const code = query.get('code');
    if (code !== null) filter.code = Number(code);
    sendJson(res, 200, { count: ctx.counters.count(filter), ...ctx.counters.snapshot() });
    return;
  }
  if (route === 'faults') {
    if (method === 'GET') {
      sendJson(res, 200, { faults: ctx.faults.list(), openWatches: ctx.watches.size });
      return;
    }
    if (method === 'DELETE') {
      const id = query.get('id');
      ctx.faults.clear(id === null ? undefined : Number(id));
      sendJson(res, 200, { cleared: id ?? 'all' });
      return;
    }
    if (method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        throw badRequest('fault body must be JSON');
      }
      if (!isJsonObject(body)) throw badRequest('fault body must be a JSON object');
      const b = body as Record<string, unknown>;
      switch (b.kind) {
        case 'latency':
          sendJson(res, 201, { id: ctx.faults.addLatency(num(b.ms, 0), matchOf(b)) });
          return;
        case 'error':
          sendJson(res, 201, { id: ctx.faults.failNext(num(b.count, 1), num(b.status, 500), matchOf(b)) });
          return;
        case 'throttle':
          sendJson(res, 201, {
            id: ctx.faults.throttleNext(num(b.count, 1), num(b.retryAfterSeconds, 1), matchOf(b)),
          });
          return;
        case 'drop-watches':
          sendJson(res, 200, { dropped: ctx.faults.dropWatches() });
          return;
        case 'rotate-signing-key':
          await ctx.faults.rotateSigningKey();
          sendJson(res, 200, { rotated: true });
          return;
        default:
          throw badRequest('kind must be one of latency, error, throttle, drop-watches, rotate-signing-key');
      }
    }
  }
  if (route === 'drop-watches' && method === 'POST') {
    sendJson(res, 200, { dropped: ctx.faults.dropWatches() });
    return;
  }
  if (route === 'rotate-signing-key' && method === 'POST') {
    await ctx.faults.rotateSigningKey();
    sendJson(res, 200, { rotated: true });
    return;
  }
  if (route === 'compact' && method === 'POST') {
    ctx.store.compact();
    sendJson(res, 200, { compactedRevision: ctx.store.oldestResumableRevision });
    return;
  }
  throw pathNotFound();
}
