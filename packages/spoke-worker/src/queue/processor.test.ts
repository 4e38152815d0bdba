/* eslint-disable @typescript-eslint/require-await -- in-memory fakes implement async interfaces */
import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import { JobName, type ReconcileJobData } from '@msa/common';
import { createProcessor, expectedSubject, type ProcessableJob, type WorkerLogger } from './processor.js';
import { KubeError } from '../k8s/kube-error.js';
import type { SpokeOperations } from '../k8s/spoke-client.js';
import {
  HubRequestError,
  type FailureReportBody,
  type HubOperations,
  type LiveMsaList,
  type TokenReportBody,
} from '../hub-client/hub-client.js';

const AGENT_NS = 'agent-ns';
const silent: WorkerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

class FakeSpoke implements SpokeOperations {
  sas = new Map<string, { uid: string; labelled: boolean }>();
  calls: string[] = [];
  tokenError: KubeError | undefined;
  createError: KubeError | undefined;
  reviewAuthenticated = true;
  active = 0;
  maxActive = 0;
  async ensureServiceAccount(name: string) {
    this.calls.push(`ensure ${name}`);
    const sa = this.sas.get(name);
    if (sa) return { uid: sa.uid, created: false, labelled: sa.labelled };
    if (this.createError) throw this.createError;
    this.sas.set(name, { uid: `uid-${name}`, labelled: true });
    return { uid: `uid-${name}`, created: true, labelled: true };
  }
  async requestToken(name: string, expirationSeconds: number) {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setImmediate(r));
    this.active -= 1;
    this.calls.push(`token ${name} ${expirationSeconds}`);
    if (this.tokenError) throw this.tokenError;
    return {
      token: jwt({ sub: expectedSubject(AGENT_NS, name) }),
      expirationTimestamp: new Date('2030-01-01T00:00:00Z'),
    };
  }
  async reviewToken(token: string) {
    this.calls.push('review');
    const sub = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
    return {
      authenticated: this.reviewAuthenticated,
      username: this.reviewAuthenticated ? sub.sub : undefined,
    };
  }
  async readCaBundle() {
    return 'CA PEM';
  }
  async deleteLabelledServiceAccount(name: string) {
    this.calls.push(`delete ${name}`);
    const sa = this.sas.get(name);
    if (!sa) return 'absent' as const;
    if (!sa.labelled) return 'unlabelled' as const;
    this.sas.delete(name);
    return 'deleted' as const;
  }
  async listLabelledServiceAccounts() {
    return [...this.sas].filter(([, sa]) => sa.labelled).map(([name, sa]) => ({ name, uid: sa.uid }));
  }
}

class FakeHub implements HubOperations {
  reports: TokenReportBody[] = [];
  failures: FailureReportBody[] = [];
  stored: string | null = null;
  live: LiveMsaList = { synced: true, items: [] };
  reportError: HubRequestError | undefined;
  async reportToken(body: TokenReportBody) {
    if (this.reportError) throw this.reportError;
    this.reports.push(body);
    return { secretName: body.name, lastRefreshTimestamp: new Date().toISOString() };
  }
  async reportFailure(body: FailureReportBody) {
    this.failures.push(body);
  }
  async heartbeat() {
    return { serverTime: new Date().toISOString() };
  }
  async listManagedServiceAccounts() {
    return this.live;
  }
  async getStoredToken(name: string) {
    return { name, uid: 'msa-uid', token: this.stored };
  }
  async renewCredential() {
    return { token: 'x', expirationTimestamp: new Date().toISOString() };
  }
}

function setup(protectedServiceAccounts?: readonly string[]) {
  const spoke = new FakeSpoke();
  const hub = new FakeHub();
  const rateLimits: number[] = [];
  const process = createProcessor({
    cluster: 'c1',
    agentNamespace: AGENT_NS,
    spoke,
    hub,
    logger: silent,
    rateLimit: async (ms) => {
      rateLimits.push(ms);
    },
    ...(protectedServiceAccounts === undefined ? {} : { protectedServiceAccounts }),
  });
  return { spoke, hub, process, rateLimits };
}

const reconcile = (
  over: Partial<ReconcileJobData> = {},
  attempts = { attemptsMade: 0, attempts: 3 },
): ProcessableJob => ({
  id: '1',
  name: JobName.Reconcile,
  attemptsMade: attempts.attemptsMade,
  opts: { attempts: attempts.attempts },
  data: {
    cluster: 'c1',
    namespace: 'c1',
    name: 'm1',
    uid: 'msa-uid',
    expirationSeconds: 3600,
    mintReason: 'StatusMissing',
    verify: false,
    enqueuedAt: '2026-01-01T00:00:00Z',
    ...over,
  },
});

describe('reconcile', () => {
  it('creates a labelled SA, mints with the requested lifetime and reports token, CA and granted expiry', async () => {
    const { spoke, hub, process } = setup();
    const result = await process(reconcile({ rotateToken: 'r1' }));
    expect(result).toEqual({
      action: 'minted',
      reason: 'StatusMissing',
      expirationTimestamp: '2030-01-01T00:00:00.000Z',
      serviceAccountCreated: true,
    });
    expect(JSON.stringify(result)).not.toMatch(/eyJ/);
    expect(spoke.calls).toEqual(['ensure m1', 'token m1 3600']);
    expect(hub.reports).toHaveLength(1);
    expect(hub.reports[0]).toMatchObject({
      name: 'm1',
      uid: 'msa-uid',
      caBundle: 'CA PEM',
      expirationTimestamp: '2030-01-01T00:00:00.000Z',
      requestedExpirationSeconds: 3600,
      rotateToken: 'r1',
    });
  });

  it("regression: a retry does not mint again when the failed attempt's report was stored (report timeout)", async () => {
    const { spoke, hub, process } = setup();
    const enqueuedAt = '2026-01-01T00:00:00Z';
    hub.stored = jwt({ sub: expectedSubject(AGENT_NS, 'm1'), iat: Date.parse(enqueuedAt) / 1000 + 2 });
    const result = await process(reconcile({ enqueuedAt }, { attemptsMade: 1, attempts: 3 }));
    expect(result).toEqual({ action: 'verified', serviceAccountCreated: true });
    expect(spoke.calls).toEqual(['ensure m1', 'review']);
    expect(hub.reports).toHaveLength(0);
  });

  it.each([
    ['the stored token predates the job', { iat: Date.parse('2026-01-01T00:00:00Z') / 1000 - 60 }, true],
    ['the stored token has no iat', {}, true],
    [
      'the stored token no longer authenticates',
      { iat: Date.parse('2026-01-01T00:00:00Z') / 1000 + 2 },
      false,
    ],
  ])('a retry mints when %s', async (_label, claims, authenticated) => {
    const { spoke, hub, process } = setup();
    spoke.reviewAuthenticated = authenticated;
    hub.stored = jwt({ sub: expectedSubject(AGENT_NS, 'm1'), ...claims });
    const result = await process(reconcile({}, { attemptsMade: 1, attempts: 3 }));
    expect(result).toMatchObject({ action: 'minted' });
    expect(hub.reports).toHaveLength(1);
  });

  it('uses a pre-existing unlabelled SA as is', async () => {
    const { spoke, process } = setup();
    spoke.sas.set('m1', { uid: 'theirs', labelled: false });
    const result = await process(reconcile());
    expect(result).toMatchObject({ action: 'minted', serviceAccountCreated: false });
    expect(spoke.sas.get('m1')).toEqual({ uid: 'theirs', labelled: false });
  });

  it('verify: a good stored token causes no TokenRequest and no hub write', async () => {
    const { spoke, hub, process } = setup();
    hub.stored = jwt({ sub: expectedSubject(AGENT_NS, 'm1') });
    const result = await process(reconcile({ mintReason: null, verify: true }));
    expect(result).toEqual({ action: 'verified', serviceAccountCreated: true });
    expect(spoke.calls).toEqual(['ensure m1', 'review']);
    expect(hub.reports).toHaveLength(0);
  });

  it.each([
    ['no stored token', null, true, 'SecretMissing'],
    ['a stored value that is not a JWT', 'not-a-jwt', true, 'TokenNotJwt'],
    ['a token for another SA', jwt({ sub: 'system:serviceaccount:other:m1' }), true, 'SubjectMismatch'],
    [
      'a token the spoke no longer accepts',
      jwt({ sub: expectedSubject(AGENT_NS, 'm1') }),
      false,
      'TokenReviewFailed',
    ],
  ])('verify: %s → mint (%s)', async (_what, stored, authenticated, reason) => {
    const { spoke, hub, process } = setup();
    hub.stored = stored;
    spoke.reviewAuthenticated = authenticated;
    const result = await process(reconcile({ mintReason: null, verify: true }));
    expect(result).toMatchObject({ action: 'minted', reason });
    expect(hub.reports).toHaveLength(1);
  });

  it('422 from the spoke: reports the API message to the hub and fails without retry', async () => {
    const { spoke, hub, process } = setup();
    const message = 'may not specify a duration less than 10 minutes';
    spoke.tokenError = new KubeError('invalid', 422, message);
    await expect(process(reconcile({ expirationSeconds: 300 }))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(hub.failures).toEqual([
      { name: 'm1', uid: 'msa-uid', reason: 'TokenReportFailed', message, retryable: false },
    ]);
    expect(hub.reports).toHaveLength(0);
  });

  it('a failed SA create is reported the same way', async () => {
    const { spoke, hub, process } = setup();
    spoke.createError = new KubeError('forbidden', 403, 'serviceaccounts is forbidden');
    await expect(process(reconcile())).rejects.toBeInstanceOf(UnrecoverableError);
    expect(hub.failures[0]).toMatchObject({
      reason: 'TokenReportFailed',
      message: 'serviceaccounts is forbidden',
    });
  });

  it('5xx: retried, and reported only on the last attempt', async () => {
    const { spoke, hub, process } = setup();
    spoke.tokenError = new KubeError('unavailable', 503, 'etcd is sad');
    const first = process(reconcile({}, { attemptsMade: 0, attempts: 3 }));
    await expect(first).rejects.toBe(spoke.tokenError);
    await expect(first).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect(hub.failures).toHaveLength(0);
    await expect(process(reconcile({}, { attemptsMade: 2, attempts: 3 }))).rejects.toBe(spoke.tokenError);
    expect(hub.failures).toEqual([
      { name: 'm1', uid: 'msa-uid', reason: 'TokenReportFailed', message: 'etcd is sad', retryable: true },
    ]);
  });

  it('429 with Retry-After: rate-limits the queue for that long and throws a RateLimitError', async () => {
    const { spoke, hub, process, rateLimits } = setup();
    spoke.tokenError = new KubeError('throttled', 429, 'slow down', 7000);
    await expect(process(reconcile())).rejects.toMatchObject({ name: 'RateLimitError' });
    expect(rateLimits).toEqual([7000]);
    expect(hub.failures).toHaveLength(0);
  });

  it('a hub 4xx on the report is not retried; a 5xx is', async () => {
    const { hub, process } = setup();
    hub.reportError = new HubRequestError(409, 'MSA_ERR_UID_MISMATCH', 'gone');
    await expect(process(reconcile())).rejects.toBeInstanceOf(UnrecoverableError);
    hub.reportError = new HubRequestError(503, 'MSA_ERR_HTTP', 'busy');
    await expect(process(reconcile())).rejects.toBeInstanceOf(HubRequestError);
  });

  it('refuses malformed payloads and jobs for another cluster without touching the spoke', async () => {
    const { spoke, process } = setup();
    await expect(process(reconcile({ expirationSeconds: -1 }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(process(reconcile({ cluster: 'c2' }))).rejects.toThrow(/cluster "c2"/);
    await expect(process({ ...reconcile(), name: 'nope' })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(spoke.calls).toEqual([]);
  });

  it('never runs two jobs of one MSA at once in this process', async () => {
    const { spoke, process } = setup();
    await Promise.all(Array.from({ length: 10 }, () => process(reconcile())));
    expect(spoke.maxActive).toBe(1);
    const other = setup();
    await Promise.all(['a', 'b', 'c'].map((name) => other.process(reconcile({ name }))));
    expect(other.spoke.maxActive).toBeGreaterThan(1);
  });
});

describe('delete-service-account', () => {
  const del = (name: string): ProcessableJob => ({
    name: JobName.DeleteServiceAccount,
    attemptsMade: 0,
    opts: {},
    data: { cluster: 'c1', namespace: 'c1', name, uid: 'u', enqueuedAt: '2026-01-01T00:00:00Z' },
  });
  it('deletes a labelled SA and leaves an unlabelled one', async () => {
    const { spoke, process } = setup();
    spoke.sas.set('mine', { uid: 'a', labelled: true });
    spoke.sas.set('theirs', { uid: 'b', labelled: false });
    expect(await process(del('mine'))).toEqual({ action: 'deleted' });
    expect(await process(del('theirs'))).toEqual({ action: 'unlabelled' });
    expect(await process(del('none'))).toEqual({ action: 'absent' });
    expect([...spoke.sas.keys()]).toEqual(['theirs']);
  });
});

describe('sweep', () => {
  const sweep: ProcessableJob = {
    name: JobName.Sweep,
    attemptsMade: 0,
    opts: {},
    data: { cluster: 'c1', reason: 'test', enqueuedAt: '2026-01-01T00:00:00Z' },
  };
  it('deletes labelled SAs without a live MSA, keeps the rest', async () => {
    const { spoke, hub, process } = setup();
    spoke.sas.set('live', { uid: 'a', labelled: true });
    spoke.sas.set('orphan', { uid: 'b', labelled: true });
    spoke.sas.set('theirs', { uid: 'c', labelled: false });
    hub.live = { synced: true, items: [{ name: 'live', uid: 'x', deleting: false }] };
    expect(await process(sweep)).toEqual({ action: 'swept', deleted: ['orphan'] });
    expect([...spoke.sas.keys()].sort()).toEqual(['live', 'theirs']);
  });
  it('never sweeps on an unsynced list or an empty list while labelled SAs exist', async () => {
    const { spoke, hub, process } = setup();
    spoke.sas.set('orphan', { uid: 'b', labelled: true });
    hub.live = { synced: false, items: [{ name: 'x', uid: 'x', deleting: false }] };
    expect(await process(sweep)).toMatchObject({ action: 'skipped' });
    hub.live = { synced: true, items: [] };
    expect(await process(sweep)).toMatchObject({ action: 'skipped' });
    expect(spoke.sas.has('orphan')).toBe(true);
  });
});

describe("the worker's own ServiceAccount", () => {
  const own = 'managed-serviceaccount-worker';
  it('is never minted for, created or deleted: the MSA fails for good with a report naming the conflict', async () => {
    const { spoke, hub, process } = setup([own]);
    spoke.sas.set(own, { uid: 'w', labelled: true });
    await expect(process(reconcile({ name: own }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(process(reconcile({ name: own, mintReason: null, verify: true }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    await expect(
      process({
        name: JobName.DeleteServiceAccount,
        attemptsMade: 0,
        opts: {},
        data: {
          cluster: 'c1',
          namespace: 'c1',
          name: own,
          uid: 'msa-uid',
          enqueuedAt: '2026-01-01T00:00:00Z',
        },
      }),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    // No spoke call at all, and no token reached the hub.
    expect(spoke.calls).toEqual([]);
    expect(hub.reports).toEqual([]);
    expect(spoke.sas.has(own)).toBe(true);
    expect(hub.failures).toHaveLength(3);
    for (const f of hub.failures) {
      expect(f).toMatchObject({ name: own, uid: 'msa-uid', retryable: false });
      expect(f.message).toContain(`${AGENT_NS}/${own}`);
      expect(f.message).toContain("spoke worker's own identity");
    }
  });
  it('is kept by a sweep even when labelled; other names are processed as usual', async () => {
    const { spoke, hub, process } = setup([own]);
    spoke.sas.set(own, { uid: 'w', labelled: true });
    spoke.sas.set('orphan', { uid: 'o', labelled: true });
    hub.live = { synced: true, items: [{ name: 'm1', uid: 'msa-uid', deleting: false }] };
    expect(
      await process({
        name: JobName.Sweep,
        attemptsMade: 0,
        opts: {},
        data: { cluster: 'c1', reason: 'test', enqueuedAt: '2026-01-01T00:00:00Z' },
      }),
    ).toEqual({ action: 'swept', deleted: ['orphan'] });
    expect(spoke.sas.has(own)).toBe(true);
    expect(await process(reconcile())).toMatchObject({ action: 'minted' });
  });
});
