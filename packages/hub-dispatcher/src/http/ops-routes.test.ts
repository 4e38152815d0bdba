import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HubMetrics } from '../metrics/hub-metrics.js';
import { installErrorHandling } from './error-handling.js';
import { registerOpsRoutes } from './ops-routes.js';

const AUTH = { authorization: `Basic ${Buffer.from('ops:secret').toString('base64')}` };
const quiet = { info: () => undefined, warn: () => undefined };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(
  rotateCluster: (cluster: string) => Promise<{ enqueued: number } | undefined>,
  clock: { now: number },
): Promise<FastifyInstance> {
  const a = Fastify();
  installErrorHandling(a);
  await registerOpsRoutes(a, {
    metrics: new HubMetrics(),
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    opsUsername: 'ops',
    opsPassword: 'secret',
    logger: quiet,
    rotateCluster,
    clusterRotateWindowSeconds: 60,
    nowMs: () => clock.now,
  });
  await a.ready();
  app = a;
  return a;
}

describe('POST /ops/clusters/:cluster/rotate', () => {
  it('rotates once per cluster per window; a second call gets 429 with Retry-After', async () => {
    const calls: string[] = [];
    const clock = { now: 1_000_000 };
    const a = await build((c) => {
      calls.push(c);
      return Promise.resolve({ enqueued: 3 });
    }, clock);
    const post = (cluster: string, headers: Record<string, string> = AUTH) =>
      a.inject({ method: 'POST', url: `/ops/clusters/${cluster}/rotate`, headers });

    expect((await post('c1', {})).statusCode).toBe(401);
    const first = await post('c1');
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ cluster: 'c1', enqueued: 3 });

    clock.now += 20_000;
    const again = await post('c1');
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('40');
    expect(again.json()).toMatchObject({ code: 'MSA_ERR_RATE_LIMITED', statusCode: 429 });
    // Another cluster has its own window.
    expect((await post('c2')).statusCode).toBe(202);

    clock.now += 40_000;
    expect((await post('c1')).statusCode).toBe(202);
    expect(calls).toEqual(['c1', 'c2', 'c1']);
  });

  it('answers 404 for an unknown cluster and does not start a window for it', async () => {
    const clock = { now: 0 };
    let known = false;
    const a = await build(() => Promise.resolve(known ? { enqueued: 0 } : undefined), clock);
    const post = () => a.inject({ method: 'POST', url: '/ops/clusters/later/rotate', headers: AUTH });
    const missing = await post();
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'MSA_ERR_CLUSTER_NOT_FOUND' });
    known = true;
    expect((await post()).statusCode).toBe(202);
  });

  it('does not hold the operator back for a window when enqueueing failed', async () => {
    const clock = { now: 0 };
    let fail = true;
    const a = await build(
      () => (fail ? Promise.reject(new Error('redis down')) : Promise.resolve({ enqueued: 1 })),
      clock,
    );
    const post = () => a.inject({ method: 'POST', url: '/ops/clusters/c1/rotate', headers: AUTH });
    expect((await post()).statusCode).toBe(500);
    fail = false;
    expect((await post()).statusCode).toBe(202);
  });
});

describe('ops basic auth', () => {
  it.each(['/ops/queues', '/ops/queues/api/queues', '/ops/dead-letters'])(
    '%s without credentials answers the catalog body with 401 and WWW-Authenticate',
    async (url) => {
      const a = await build(() => Promise.resolve({ enqueued: 0 }), { now: 0 });
      const r = await a.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic realm="msa-hub ops"');
      expect(r.json()).toEqual({
        code: 'MSA_ERR_UNAUTHENTICATED',
        message: 'the ops area needs basic auth',
        statusCode: 401,
      });
    },
  );
});
