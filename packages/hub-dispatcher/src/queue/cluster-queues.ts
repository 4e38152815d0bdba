import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JobName,
  QUEUE_PREFIX,
  dedupIdForMsa,
  queueNameForCluster,
  type DeleteServiceAccountJobData,
  type ReconcileJobData,
  type SweepJobData,
} from '@msa/common';
import { isRedisCredentialError } from './redis-errors.js';

/** The kinds of job the hub enqueues (metric label values). */
export const EnqueueKind = {
  Reconcile: 'reconcile',
  Verify: 'verify',
  Rotation: 'rotation',
  Delete: 'delete',
  Sweep: 'sweep',
  Replay: 'replay',
} as const;
/** Enqueue kind union. */
export type EnqueueKind = (typeof EnqueueKind)[keyof typeof EnqueueKind];

/**
 * Backoff type name put on every job. The worker registers `settings.backoffStrategy`, which
 * computes the delay with common's `computeBackoff` (BullMQ calls it for `type: 'custom'`).
 */
export const JOB_BACKOFF_TYPE = 'custom';

/** Options of {@link ClusterQueues}. */
export interface ClusterQueuesOptions {
  /** Shared producer connection (`enableOfflineQueue: false`, so request paths fail fast). */
  connection: Redis;
  /** Attempts per job before it is dead-lettered; default 8. */
  attempts?: number;
  /** Keep completed jobs this long (s) / this many; defaults 1 h / 1000. */
  completedAge?: number;
  completedCount?: number;
  /** Keep failed jobs this long (s) / this many; defaults 7 d / 5000 (the dead-letter poller moves them earlier). */
  failedAge?: number;
  failedCount?: number;
  /** Called with credential errors (NOPERM/WRONGPASS) so the process can stop. */
  onFatal: (err: Error) => void;
  /** Called with every other queue error (logged, never thrown). */
  onError: (cluster: string, err: Error) => void;
  /** Called for each job added (metrics). */
  onEnqueued?: (kind: EnqueueKind) => void;
  /** Called when a cluster queue is first created (dashboard). */
  onQueueCreated?: (cluster: string, queue: Queue) => void;
}

/** Outcome of one enqueue. */
export interface EnqueueResult {
  jobId: string | undefined;
  /** True when BullMQ folded the job into an existing one with the same deduplication id. */
  deduplicated: boolean;
  /** {@link ClusterQueues.scheduleRotation} only: nothing scheduled, an immediate job is still waiting. */
  immediatePending?: boolean;
  /** `deferIfActive` only: nothing enqueued because a job of this MSA is running. */
  activePending?: boolean;
}

/**
 * The per-cluster queues `{<cluster>}` (prefix `msa`), created on first use. Every job of one
 * MSA shares one deduplication id (DESIGN section 4): `keepLastIfActive` gives workqueue
 * semantics (one active, one pending, latest data wins) and `replace` lets an immediate job
 * replace a pending delayed rotation job, and a new deadline replace the old one.
 */
export class ClusterQueues {
  private readonly opts: ClusterQueuesOptions;
  private readonly queues = new Map<string, Queue>();

  constructor(opts: ClusterQueuesOptions) {
    this.opts = opts;
  }

  /** The queue of one cluster (created and wired with error listeners on first use). */
  queue(cluster: string): Queue {
    let q = this.queues.get(cluster);
    if (q === undefined) {
      q = new Queue(queueNameForCluster(cluster), { connection: this.opts.connection, prefix: QUEUE_PREFIX });
      q.on('error', (err: Error) => {
        if (isRedisCredentialError(err)) this.opts.onFatal(err);
        else this.opts.onError(cluster, err);
      });
      this.queues.set(cluster, q);
      this.opts.onQueueCreated?.(cluster, q);
    }
    return q;
  }

  /** Clusters that have a queue in this process. */
  clusters(): string[] {
    return [...this.queues.keys()];
  }

  /** Default options of every job; `dedupId` shared by all jobs of one MSA. */
  jobOptions(dedupId: string, delayMs = 0): JobsOptions {
    return {
      attempts: this.opts.attempts ?? 8,
      backoff: { type: JOB_BACKOFF_TYPE },
      removeOnComplete: { age: this.opts.completedAge ?? 3600, count: this.opts.completedCount ?? 1000 },
      removeOnFail: { age: this.opts.failedAge ?? 7 * 24 * 3600, count: this.opts.failedCount ?? 5000 },
      deduplication: { id: dedupId, replace: true, keepLastIfActive: true },
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    };
  }

  /**
   * Immediate reconcile of one MSA. When it folds into a job that is still waiting, that job's
   * data is updated so the latest data wins; a mint reason already asked for is kept.
   */
  async enqueueReconcile(
    data: ReconcileJobData,
    options: { deferIfActive?: boolean } = {},
  ): Promise<EnqueueResult> {
    const q = this.queue(data.cluster);
    const dedupId = dedupIdForMsa(data.namespace, data.name);
    const before = await q.getDeduplicationJobId(dedupId);
    if (options.deferIfActive === true && before !== null) {
      // A decision planned while a job of this MSA runs is about to be outdated by that job's
      // report (e.g. "status missing" while the first token is being stored): queued as the
      // next job it would mint a second token. The caller plans again once the job is done.
      const running = await q.getJob(before);
      if (running !== undefined && (await running.getState()) === 'active') {
        return { jobId: before, deduplicated: true, activePending: true };
      }
    }
    const job = await q.add(JobName.Reconcile, data, this.jobOptions(dedupId));
    const deduplicated = before !== null && job.id === before;
    if (deduplicated && job.id !== undefined) {
      const existing = await q.getJob(job.id);
      if (
        existing !== undefined &&
        existing.name === JobName.Reconcile &&
        (await existing.getState()) === 'waiting'
      ) {
        const old = existing.data as ReconcileJobData;
        await existing.updateData({
          ...data,
          mintReason: data.mintReason ?? old.mintReason,
          verify: data.verify || old.verify,
        });
      }
    }
    if (!deduplicated)
      this.opts.onEnqueued?.(
        data.verify && data.mintReason === null ? EnqueueKind.Verify : EnqueueKind.Reconcile,
      );
    return { jobId: job.id, deduplicated };
  }

  /**
   * The delayed rotation job of one MSA at `at`. Skips the write when the pending delayed job
   * already fires at that time (re-plans happen every resync) or when an immediate job is
   * pending (it will report, and the status change reschedules the deadline).
   */
  async scheduleRotation(data: ReconcileJobData, at: Date, now: Date): Promise<EnqueueResult> {
    const q = this.queue(data.cluster);
    const dedupId = dedupIdForMsa(data.namespace, data.name);
    const currentId = await q.getDeduplicationJobId(dedupId);
    if (currentId !== null) {
      const current = await q.getJob(currentId);
      if (current !== undefined) {
        const state = await current.getState();
        if (state === 'waiting' || state === 'prioritized' || state === 'waiting-children') {
          return { jobId: currentId, deduplicated: true, immediatePending: true };
        }
        if (state === 'delayed' && Math.abs(current.timestamp + (current.delay ?? 0) - at.getTime()) < 1000) {
          return { jobId: currentId, deduplicated: true };
        }
      }
    }
    const delay = Math.max(1, at.getTime() - now.getTime());
    // timestamp = the planner's now, so the job fires exactly at `at` and a re-plan recognises it.
    const job = await q.add(JobName.Reconcile, data, {
      ...this.jobOptions(dedupId, delay),
      timestamp: now.getTime(),
    });
    this.opts.onEnqueued?.(EnqueueKind.Rotation);
    return { jobId: job.id, deduplicated: job.id === currentId };
  }

  /** Deletion of one MSA's ServiceAccount (replaces any pending job of that MSA). */
  async enqueueDelete(data: DeleteServiceAccountJobData): Promise<EnqueueResult> {
    const q = this.queue(data.cluster);
    const dedupId = dedupIdForMsa(data.namespace, data.name);
    const before = await q.getDeduplicationJobId(dedupId);
    if (before !== null) {
      // A waiting reconcile for the deleted MSA would mint a token nobody can store: drop it.
      const pending = await q.getJob(before);
      if (pending !== undefined && (await pending.getState()) === 'waiting')
        await pending.remove().catch(() => undefined);
    }
    const job = await q.add(JobName.DeleteServiceAccount, data, this.jobOptions(dedupId));
    this.opts.onEnqueued?.(EnqueueKind.Delete);
    return { jobId: job.id, deduplicated: before !== null && job.id === before };
  }

  /** A sweep of one cluster (one pending per cluster). */
  async enqueueSweep(data: SweepJobData): Promise<EnqueueResult> {
    const q = this.queue(data.cluster);
    const job = await q.add(JobName.Sweep, data, this.jobOptions(`sweep.${data.cluster}`));
    this.opts.onEnqueued?.(EnqueueKind.Sweep);
    return { jobId: job.id, deduplicated: false };
  }

  /** Closes every queue. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
