import {
  ConditionType,
  findCondition,
  workerAvailableCondition,
  workerHeartbeatMissedCondition,
  type ConditionInput,
  type ManagedServiceAccount,
} from '@msa/common';
import type { Logger } from 'pino';
import { updateMsaStatus, statusWithCondition } from '../k8s/msa-status-writer.js';
import type { KubeRest } from '../k8s/kube-rest.js';
import { describe } from '../k8s/resource-informer.js';
import { listHeartbeats, recordHeartbeat, type WorkerHeartbeatRecord } from '../k8s/worker-lease.js';

/** Read access to cached MSAs. */
export interface MsaLister {
  hasSynced: boolean;
  list(namespace?: string): ManagedServiceAccount[];
}

/**
 * Pure: the WorkerAvailable condition an MSA should get, or `undefined` for "leave it". Only
 * flips are written: False when the worker has been silent longer than the timeout; back to
 * True only where it was False (a token report sets True on MSAs that never had it).
 * `listeningSince` (the hub's start) keeps a hub restart from counting as a worker outage.
 */
export function workerAvailabilityChange(
  msa: ManagedServiceAccount,
  lastSeen: Date | undefined,
  now: Date,
  timeoutMs: number,
  listeningSince?: Date,
): ConditionInput | undefined {
  if (lastSeen === undefined) return undefined;
  const current = findCondition(msa.status?.conditions, ConditionType.WorkerAvailable);
  // Silence while this hub was not running (a restart) is the hub's, not the worker's: the
  // timeout counts from the later of the last heartbeat and the hub's start.
  const from = Math.max(lastSeen.getTime(), listeningSince?.getTime() ?? 0);
  const missed = now.getTime() - from > timeoutMs;
  if (missed) return current?.status === 'False' ? undefined : workerHeartbeatMissedCondition(lastSeen);
  return current?.status === 'False' ? workerAvailableCondition() : undefined;
}

/** Options of {@link WorkerHealth}. */
export interface WorkerHealthOptions {
  rest: KubeRest;
  msas: MsaLister;
  heartbeatTimeoutSeconds: number;
  clock: () => Date;
  logger: Logger;
  onStatusWrite?: (reason: string) => void;
  /**
   * A cluster's worker reported an agent namespace other than the one known (or the first one
   * since start): every MSA of the cluster must be re-planned, as their tokens' `sub` no longer
   * matches.
   */
  onAgentNamespaceChange?: (cluster: string) => void;
}

/**
 * Heartbeats of every cluster's worker: stored on the hub in a Lease (so a restarted hub
 * remembers them) and kept in memory for the SubjectMismatch check and the WorkerAvailable
 * condition.
 */
export class WorkerHealth {
  private readonly opts: WorkerHealthOptions;
  private readonly records = new Map<string, WorkerHeartbeatRecord>();
  private readonly startedAt: Date;

  constructor(opts: WorkerHealthOptions) {
    this.opts = opts;
    this.startedAt = opts.clock();
  }

  /** Loads the stored heartbeats (start-up). */
  async load(): Promise<void> {
    for (const rec of await listHeartbeats(this.opts.rest)) {
      const known = this.records.get(rec.cluster);
      if (known === undefined || known.lastSeen < rec.lastSeen) this.records.set(rec.cluster, rec);
    }
  }

  /** The last heartbeat of a cluster's worker. */
  get(cluster: string): WorkerHeartbeatRecord | undefined {
    return this.records.get(cluster);
  }

  /** The agent namespace the cluster's worker last reported. */
  agentNamespace(cluster: string): string | undefined {
    const ns = this.records.get(cluster)?.agentNamespace;
    return ns === undefined || ns === '' ? undefined : ns;
  }

  /** Records a heartbeat (Lease write, then flips WorkerAvailable back to True where it was False). */
  async heartbeat(record: WorkerHeartbeatRecord): Promise<{ returned: boolean }> {
    const before = this.records.get(record.cluster);
    const timeoutMs = this.opts.heartbeatTimeoutSeconds * 1000;
    const returned =
      before !== undefined && record.lastSeen.getTime() - before.lastSeen.getTime() > timeoutMs;
    this.records.set(record.cluster, record);
    await recordHeartbeat(this.opts.rest, record, this.opts.heartbeatTimeoutSeconds);
    if (before?.agentNamespace !== record.agentNamespace) this.opts.onAgentNamespaceChange?.(record.cluster);
    await this.check(record.cluster);
    return { returned };
  }

  /** Applies WorkerAvailable flips for one cluster or all known ones. */
  async check(cluster?: string): Promise<number> {
    if (!this.opts.msas.hasSynced) return 0;
    const now = this.opts.clock();
    const timeoutMs = this.opts.heartbeatTimeoutSeconds * 1000;
    const clusters = cluster === undefined ? [...this.records.keys()] : [cluster];
    let writes = 0;
    for (const c of clusters) {
      const lastSeen = this.records.get(c)?.lastSeen;
      for (const msa of this.opts.msas.list(c)) {
        const change = workerAvailabilityChange(msa, lastSeen, now, timeoutMs, this.startedAt);
        if (change === undefined || msa.metadata.name === undefined) continue;
        try {
          const res = await updateMsaStatus(
            this.opts.rest,
            { namespace: c, name: msa.metadata.name, uid: msa.metadata.uid },
            (m) => {
              const again = workerAvailabilityChange(m, lastSeen, now, timeoutMs, this.startedAt);
              return again === undefined ? undefined : statusWithCondition(m, again, now);
            },
            { current: msa },
          );
          if (res.written) {
            writes += 1;
            this.opts.onStatusWrite?.(change.reason);
          }
        } catch (err) {
          this.opts.logger.warn(
            { cluster: c, msa: msa.metadata.name, err: describe(err) },
            'cannot update WorkerAvailable',
          );
        }
      }
    }
    return writes;
  }
}
