import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, dedupIdForMsa, redactJwts } from '@msa/common';
import type { ClusterQueues } from './cluster-queues.js';
import { isRedisCredentialError } from './redis-errors.js';

/** Name of the dead-letter queue (written only by the hub; no worker consumes it). */
export const DEAD_LETTER_QUEUE = 'msa-dead-letters';
/** Job name of the entries in the dead-letter queue. */
export const DEAD_LETTER_JOB = 'dead-letter';

/** One dead-lettered job: where it came from, what it was, why it failed. Never a token. */
export interface DeadLetterData {
  cluster: string;
  queue: string;
  jobId: string;
  jobName: string;
  data: Record<string, unknown>;
  failedReason: string;
  attemptsMade: number;
  failedAt: string;
}

/** A dead letter as listed by `GET /ops/dead-letters`. */
export interface DeadLetterView extends DeadLetterData {
  id: string;
}

/** Options of {@link DeadLetters}. */
export interface DeadLettersOptions {
  connection: Redis;
  queues: ClusterQueues;
  onFatal: (err: Error) => void;
  onError: (err: Error) => void;
  onDeadLettered?: (cluster: string) => void;
}

/**
 * Moves terminally failed jobs of every cluster queue into `msa-dead-letters` by polling each
 * queue's failed set (a job in it has `finishedOn` set: all attempts used, or an
 * UnrecoverableError). Polling, not QueueEvents, because events are best effort and trimmed
 * (ECOSYSTEM-NOTES). The move is idempotent: the dead letter's id is derived from the source job.
 */
export class DeadLetters {
  readonly queue: Queue;
  private readonly opts: DeadLettersOptions;

  constructor(opts: DeadLettersOptions) {
    this.opts = opts;
    this.queue = new Queue(DEAD_LETTER_QUEUE, { connection: opts.connection, prefix: QUEUE_PREFIX });
    this.queue.on('error', (err: Error) => {
      if (isRedisCredentialError(err)) opts.onFatal(err);
      else opts.onError(err);
    });
  }

  /** Scans every known cluster queue once; returns how many jobs were dead-lettered. */
  async sweep(batch = 100): Promise<number> {
    let moved = 0;
    for (const cluster of this.opts.queues.clusters()) {
      const q = this.opts.queues.queue(cluster);
      const failed = (await q.getFailed(0, batch - 1)) as Job[];
      for (const job of failed) {
        if (job === undefined || job.id === undefined || job.finishedOn === undefined) continue;
        const entry: DeadLetterData = {
          cluster,
          queue: q.name,
          jobId: job.id,
          jobName: job.name,
          data: (job.data ?? {}) as Record<string, unknown>,
          failedReason: redactJwts(job.failedReason ?? 'unknown'),
          attemptsMade: job.attemptsMade,
          failedAt: new Date(job.finishedOn).toISOString(),
        };
        // One dead letter per MSA and job kind: an MSA that keeps failing (re-planned every
        // resync) replaces its dead letter instead of piling up copies.
        const data = entry.data;
        const subject =
          typeof data.namespace === 'string' && typeof data.name === 'string'
            ? `${data.namespace}.${data.name}`
            : `job-${job.id}`;
        const deadId = `dl.${cluster}.${job.name}.${subject}`;
        const previous = await this.queue.getJob(deadId);
        if (previous !== undefined) await previous.remove().catch(() => undefined);
        await this.queue.add(DEAD_LETTER_JOB, entry, {
          jobId: deadId,
          removeOnComplete: true,
          removeOnFail: true,
        });
        await job.remove().catch(() => undefined);
        moved += 1;
        this.opts.onDeadLettered?.(cluster);
      }
    }
    return moved;
  }

  /** Lists dead letters, newest first. */
  async list(start = 0, end = 99): Promise<DeadLetterView[]> {
    const jobs = (await this.queue.getJobs(
      ['waiting', 'delayed', 'prioritized'],
      start,
      end,
      false,
    )) as Job[];
    return jobs
      .filter((j): j is Job & { id: string } => j !== undefined && j.id !== undefined)
      .map((j) => ({ id: j.id, ...(j.data as DeadLetterData) }));
  }

  /**
   * Replays a dead letter: re-adds its job to the cluster queue (with the usual deduplication,
   * a fresh `enqueuedAt` and full attempts), then removes the dead letter. `undefined` when no
   * such dead letter exists.
   */
  async replay(id: string): Promise<{ cluster: string; jobId: string | undefined } | undefined> {
    const dead = (await this.queue.getJob(id)) as Job | undefined;
    if (dead === undefined) return undefined;
    const entry = dead.data as DeadLetterData;
    const q = this.opts.queues.queue(entry.cluster);
    const data: Record<string, unknown> = { ...entry.data, enqueuedAt: new Date().toISOString() };
    const namespace = typeof data.namespace === 'string' ? data.namespace : undefined;
    const name = typeof data.name === 'string' ? data.name : undefined;
    const dedupId =
      namespace !== undefined && name !== undefined
        ? dedupIdForMsa(namespace, name)
        : `replay.${entry.cluster}.${id}`;
    const job = await q.add(entry.jobName, data, this.opts.queues.jobOptions(dedupId));
    await dead.remove();
    return { cluster: entry.cluster, jobId: job.id };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
