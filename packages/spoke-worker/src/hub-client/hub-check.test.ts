import { describe, expect, it } from 'vitest';
import { checkHub, HubCheckError } from './hub-check.js';
import { HubRequestError } from './hub-client.js';
import type { WorkerLogger } from '../queue/processor.js';

const silent: WorkerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Runs checkHub against heartbeats answering from `answers` (then success), on a fake clock. */
async function run(
  answers: HubRequestError[],
  timeoutMs = 10_000,
): Promise<{ err: unknown; calls: number; slept: number[] }> {
  let t = 0;
  let calls = 0;
  const slept: number[] = [];
  const err = await checkHub({
    hub: {
      heartbeat: () => {
        const a = answers[calls];
        calls += 1;
        return a === undefined ? Promise.resolve({ serverTime: 'now' }) : Promise.reject(a);
      },
    },
    heartbeat: { workerId: 'w', agentNamespace: 'ns', version: '1' },
    cluster: 'cluster1',
    hubUrl: 'https://hub:8443',
    credentialFile: '/cred',
    timeoutMs,
    logger: silent,
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, calls, slept };
}

const refused = new HubRequestError(
  0,
  'MSA_ERR_TRANSPORT',
  'POST /x: ECONNREFUSED',
  undefined,
  'ECONNREFUSED',
);

describe('checkHub', () => {
  it('waits for a hub that is not listening yet, then passes', async () => {
    const r = await run([refused, refused, new HubRequestError(503, 'MSA_ERR_HTTP', 'HTTP 503')]);
    expect(r.err).toBeUndefined();
    expect(r.calls).toBe(4);
    expect(r.slept).toEqual([1000, 2000, 4000]);
  });

  it('gives up after the bound with a message naming the hub and the last error', async () => {
    const r = await run(Array<HubRequestError>(100).fill(refused), 5_000);
    expect(r.err).toBeInstanceOf(HubCheckError);
    expect(String(r.err)).toMatch(
      /hub at https:\/\/hub:8443 is unreachable: no answer for 5 s .*ECONNREFUSED/,
    );
    expect(r.slept.reduce((a, b) => a + b, 0)).toBe(5_000);
  });

  it('stops at once on a refused credential (401 and 403)', async () => {
    for (const status of [401, 403]) {
      const r = await run([new HubRequestError(status, 'MSA_ERR_UNAUTHENTICATED', `HTTP ${status}`)]);
      expect(r.calls).toBe(1);
      expect(String(r.err)).toContain('the hub refused the worker credential');
      expect(String(r.err)).toContain('msa-hub register-cluster cluster1');
      expect(String(r.err)).toContain('/cred');
    }
  });

  it('stops at once on an untrusted hub certificate, pointing at --hub-ca-file', async () => {
    const r = await run([
      new HubRequestError(
        0,
        'MSA_ERR_TRANSPORT',
        'POST /x: SELF_SIGNED_CERT_IN_CHAIN',
        undefined,
        'SELF_SIGNED_CERT_IN_CHAIN',
      ),
    ]);
    expect(r.calls).toBe(1);
    expect(String(r.err)).toMatch(/cannot verify the hub's TLS certificate.*--hub-ca-file/);
  });
});
