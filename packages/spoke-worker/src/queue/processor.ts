import { UnrecoverableError, Worker } from 'bullmq';
import { ConditionReason, JobName, decodeJwtClaims, MintReason, computeBackoff } from '@msa/common';
import type { DeleteServiceAccountJobData, ReconcileJobData, SweepJobData } from '@msa/common';
import { KubeError, KubeErrorKind } from '../k8s/kube-error.js';
import type { SpokeOperations } from '../k8s/spoke-client.js';
import { HubRequestError, type HubOperations } from '../hub-client/hub-client.js';
import { KeyedMutex } from './keyed-mutex.js';
import { parseDeleteServiceAccountJob, parseReconcileJob, parseSweepJob } from './job-data.js';

/** Minimal structured logger (a pino instance fits). */
export interface WorkerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The part of a BullMQ job the processor reads. */
export interface ProcessableJob {
  id?: string | undefined;
  name: string;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number | undefined };
}

/** What a reconcile job did. Never contains a token. */
export type ReconcileResult =
  | { action: 'minted'; reason: string; expirationTimestamp: string; serviceAccountCreated: boolean }
  | { action: 'verified'; serviceAccountCreated: boolean }
  | { action: 'ensured'; serviceAccountCreated: boolean }
  | { action: 'skipped'; why: string };

/** What a delete job did. */
export interface DeleteResult {
  action: 'deleted' | 'absent' | 'unlabelled';
}

/** What a sweep did. */
export type SweepResult = { action: 'skipped'; why: string } | { action: 'swept'; deleted: string[] };

/** Dependencies of {@link createProcessor}. */
export interface ProcessorDeps {
  cluster: string;
  agentNamespace: string;
  spoke: SpokeOperations;
  hub: HubOperations;
  logger: WorkerLogger;
  /** Pauses the whole queue for `ms` (BullMQ `worker.rateLimit`); used on 429. */
  rateLimit(ms: number): Promise<void>;
  /** Per-MSA serialisation inside this process. */
  mutex?: KeyedMutex;
  /**
   * ServiceAccount names in the agent namespace that are never minted for, created or deleted:
   * the worker's own identity (an MSA of that name would copy the worker's spoke power to the hub).
   */
  protectedServiceAccounts?: readonly string[];
}

/** Message of the failure reported for an MSA named after a protected ServiceAccount. */
export const protectedServiceAccountMessage = (agentNamespace: string, name: string): string =>
  `refused: ServiceAccount ${agentNamespace}/${name} is the spoke worker's own identity (protected); ` +
  'the worker never mints for, creates or deletes it. Rename the ManagedServiceAccount';

const isLastAttempt = (job: ProcessableJob): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/** The `sub` a token minted for `name` must carry. */
export const expectedSubject = (agentNamespace: string, name: string): string =>
  `system:serviceaccount:${agentNamespace}:${name}`;

/**
 * Builds the BullMQ processor for one cluster's queue. Tokens flow from the spoke to the hub API
 * only: they never appear in return values, errors or logs.
 */
export function createProcessor(deps: ProcessorDeps): (job: ProcessableJob) => Promise<unknown> {
  const mutex = deps.mutex ?? new KeyedMutex();
  const { logger } = deps;
  const protectedNames = new Set(deps.protectedServiceAccounts ?? []);

  /** Fails the job for good, with a failure report, when `name` is a protected ServiceAccount. */
  async function refuseProtected(job: ProcessableJob, msa: { name: string; uid: string }): Promise<void> {
    if (!protectedNames.has(msa.name)) return;
    const message = protectedServiceAccountMessage(deps.agentNamespace, msa.name);
    logger.warn({ jobId: job.id, msa: msa.name }, message);
    await reportFailureQuietly(job, msa, message, false);
    throw new UnrecoverableError(message);
  }

  async function reportFailureQuietly(
    job: ProcessableJob,
    msa: { name: string; uid: string },
    message: string,
    retryable: boolean,
  ): Promise<void> {
    try {
      await deps.hub.reportFailure({
        name: msa.name,
        uid: msa.uid,
        reason: ConditionReason.TokenReportFailed,
        message,
        retryable,
      });
    } catch (err) {
      logger.warn(
        { jobId: job.id, msa: msa.name, err: err instanceof Error ? err.message : String(err) },
        'could not report a failure to the hub',
      );
    }
  }

  /**
   * Turns a failure into the right BullMQ outcome: 429 → rate limit (no attempt used); spoke
   * errors retrying cannot fix → failure report + UnrecoverableError; others → retry, with a
   * failure report on the last attempt so the MSA's status always shows it.
   */
  async function fail(job: ProcessableJob, msa: { name: string; uid: string }, err: unknown): Promise<never> {
    if (
      (err instanceof KubeError && err.kind === KubeErrorKind.Throttled) ||
      (err instanceof HubRequestError && err.status === 429)
    ) {
      const wait = err.retryAfterMs ?? computeBackoff(job.attemptsMade + 1);
      logger.warn({ jobId: job.id, msa: msa.name, waitMs: wait }, 'throttled; pausing the queue');
      await deps.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    if (err instanceof KubeError) {
      if (!err.retryable) {
        await reportFailureQuietly(job, msa, err.message, false);
        throw new UnrecoverableError(err.message);
      }
      if (isLastAttempt(job)) await reportFailureQuietly(job, msa, err.message, true);
      throw err;
    }
    if (err instanceof HubRequestError) {
      // A 4xx from the hub (other than 401/408/429) means the report itself is refused (e.g. the
      // MSA is gone or was recreated): retrying the same job cannot help.
      if (!err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
    throw err;
  }

  async function reconcile(job: ProcessableJob, data: ReconcileJobData): Promise<ReconcileResult> {
    const msa = { name: data.name, uid: data.uid };
    await refuseProtected(job, msa);
    let created = false;
    try {
      created = (await deps.spoke.ensureServiceAccount(data.name)).created;
    } catch (err) {
      return fail(job, msa, err);
    }
    let reason: string | null = data.mintReason;
    try {
      if (reason === null && data.verify) {
        const stored = await deps.hub.getStoredToken(data.name);
        if (stored.uid !== '' && stored.uid !== data.uid) {
          return { action: 'skipped', why: 'the MSA was recreated since this job was queued' };
        }
        reason = await verifyStoredToken(data.name, stored.token);
      }
    } catch (err) {
      if (err instanceof HubRequestError && err.status === 404) {
        return { action: 'skipped', why: 'the MSA no longer exists on the hub' };
      }
      return fail(job, msa, err);
    }
    if (reason === null) {
      return data.verify
        ? { action: 'verified', serviceAccountCreated: created }
        : { action: 'ensured', serviceAccountCreated: created };
    }
    if (job.attemptsMade > 0 && (await previousAttemptStored(data))) {
      // The last attempt's report reached the hub and was stored even though the attempt failed
      // (typically a client timeout on a slow hub). Minting again would only double the work.
      logger.info(
        { jobId: job.id, msa: data.name },
        'a previous attempt already stored a token for this job',
      );
      return { action: 'verified', serviceAccountCreated: created };
    }
    try {
      const minted = await deps.spoke.requestToken(data.name, data.expirationSeconds);
      const caBundle = await deps.spoke.readCaBundle();
      await deps.hub.reportToken({
        name: data.name,
        uid: data.uid,
        token: minted.token,
        caBundle,
        expirationTimestamp: minted.expirationTimestamp.toISOString(),
        requestedExpirationSeconds: data.expirationSeconds,
        ...(data.rotateToken !== undefined ? { rotateToken: data.rotateToken } : {}),
      });
      logger.info(
        {
          jobId: job.id,
          msa: data.name,
          reason,
          expirationTimestamp: minted.expirationTimestamp.toISOString(),
        },
        'minted and reported a token',
      );
      return {
        action: 'minted',
        reason,
        expirationTimestamp: minted.expirationTimestamp.toISOString(),
        serviceAccountCreated: created,
      };
    } catch (err) {
      return fail(job, msa, err);
    }
  }

  /**
   * On a retry: true when the hub already holds a good token minted after this job was queued,
   * i.e. an earlier attempt's report was stored although that attempt saw an error. Any doubt
   * (hub unreachable, no `iat`, older token, failed review) answers false, and the job mints.
   */
  async function previousAttemptStored(data: ReconcileJobData): Promise<boolean> {
    try {
      const stored = await deps.hub.getStoredToken(data.name);
      if (stored.uid !== data.uid || stored.token === null) return false;
      const iat = decodeJwtClaims(stored.token)?.iat;
      const enqueuedAt = Date.parse(data.enqueuedAt);
      // iat has whole-second precision: compare at that precision.
      if (iat === undefined || Number.isNaN(enqueuedAt) || iat < Math.floor(enqueuedAt / 1000)) return false;
      return (await verifyStoredToken(data.name, stored.token)) === null;
    } catch {
      return false;
    }
  }

  /** Returns why the stored token needs replacing, or null when it is good. */
  async function verifyStoredToken(name: string, token: string | null): Promise<string | null> {
    if (token === null || token === '') return MintReason.SecretMissing;
    const claims = decodeJwtClaims(token);
    if (claims === undefined) return MintReason.TokenNotJwt;
    const subject = expectedSubject(deps.agentNamespace, name);
    if (claims.sub !== subject) return MintReason.SubjectMismatch;
    const review = await deps.spoke.reviewToken(token);
    if (!review.authenticated || review.username !== subject) return MintReason.TokenReviewFailed;
    return null;
  }

  async function deleteServiceAccount(
    job: ProcessableJob,
    data: DeleteServiceAccountJobData,
  ): Promise<DeleteResult> {
    await refuseProtected(job, { name: data.name, uid: data.uid });
    try {
      const action = await deps.spoke.deleteLabelledServiceAccount(data.name);
      logger.info({ jobId: job.id, msa: data.name, action }, 'delete-service-account done');
      return { action };
    } catch (err) {
      if (err instanceof KubeError && err.kind === KubeErrorKind.Throttled)
        return fail(job, { name: data.name, uid: data.uid }, err);
      if (err instanceof KubeError && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  async function sweep(job: ProcessableJob, data: SweepJobData): Promise<SweepResult> {
    const live = await deps.hub.listManagedServiceAccounts();
    if (!live.synced) return { action: 'skipped', why: 'the hub has not synced its MSA list' };
    const labelled = await deps.spoke.listLabelledServiceAccounts();
    if (live.items.length === 0 && labelled.length > 0) {
      // Never sweep on an empty list: it is far more likely wrong than all MSAs being gone.
      return { action: 'skipped', why: 'the hub listed no MSAs while labelled ServiceAccounts exist' };
    }
    const liveNames = new Set(live.items.map((i) => i.name));
    const deleted: string[] = [];
    for (const sa of labelled) {
      // A protected name is never deleted, even if someone labelled it.
      if (liveNames.has(sa.name) || protectedNames.has(sa.name)) continue;
      const outcome = await mutex.run(`${deps.cluster}/${sa.name}`, () =>
        deps.spoke.deleteLabelledServiceAccount(sa.name),
      );
      if (outcome === 'deleted') deleted.push(sa.name);
    }
    logger.info({ jobId: job.id, reason: data.reason, deleted }, 'sweep done');
    return { action: 'swept', deleted };
  }

  const dispatch = async (job: ProcessableJob): Promise<unknown> => {
    switch (job.name) {
      case JobName.Reconcile: {
        const data = parseReconcileJob(job.data, deps.cluster);
        return mutex.run(`${data.namespace}/${data.name}`, () => reconcile(job, data));
      }
      case JobName.DeleteServiceAccount: {
        const data = parseDeleteServiceAccountJob(job.data, deps.cluster);
        return mutex.run(`${data.namespace}/${data.name}`, () => deleteServiceAccount(job, data));
      }
      case JobName.Sweep:
        return sweep(job, parseSweepJob(job.data, deps.cluster));
      default:
        throw new UnrecoverableError(`unknown job name "${job.name}"`);
    }
  };

  return async (job: ProcessableJob): Promise<unknown> => {
    // Logged before the in-process lock, so these lines show what BullMQ handed us and when:
    // operators (and the end-to-end tests) can check that one MSA never has two jobs at once.
    const msa = msaKeyOf(job.data);
    logger.info({ jobId: job.id, job: job.name, msa, attempt: job.attemptsMade + 1 }, 'job started');
    try {
      const result = await dispatch(job);
      logger.info({ jobId: job.id, job: job.name, msa, result }, 'job finished');
      return result;
    } catch (err) {
      logger.info(
        { jobId: job.id, job: job.name, msa, error: err instanceof Error ? err.name : 'Error' },
        'job finished with an error',
      );
      throw err;
    }
  };
}

/** `namespace/name` of a job's MSA when its payload names one (for logs only). */
function msaKeyOf(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  return typeof d['namespace'] === 'string' && typeof d['name'] === 'string'
    ? `${d['namespace']}/${d['name']}`
    : undefined;
}
