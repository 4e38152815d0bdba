import {
  ANNOTATION_ROTATE,
  DEFAULT_VALIDITY_SECONDS,
  validityToExpirationSeconds,
  MintReason,
  type ManagedServiceAccount,
  type ReconcileJobData,
  type TokenSecret,
} from '@msa/common';
import type { Logger } from 'pino';
import { KubeApiError } from '../k8s/kube-api-error.js';
import { kubePaths } from '../k8s/kube-paths.js';
import type { KubeRest } from '../k8s/kube-rest.js';
import { statusWithCondition, updateMsaStatus } from '../k8s/msa-status-writer.js';
import { describe, type InformerChange } from '../k8s/resource-informer.js';
import { planMsa } from '../planner/plan-msa.js';
import { isForeignTokenChange } from '../planner/foreign-token-change.js';
import { isRevalidationDue } from '../planner/revalidation-schedule.js';
import type { ClusterQueues } from '../queue/cluster-queues.js';
import type { WorkerHealth } from './worker-health.js';

/** Read access to an informer's cache. */
export interface CacheView<T> {
  hasSynced: boolean;
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): T[];
}

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  rest: KubeRest;
  queues: ClusterQueues;
  msas: CacheView<ManagedServiceAccount>;
  secrets: CacheView<TokenSecret>;
  clusters: CacheView<{ metadata?: { name?: string } }>;
  health: WorkerHealth;
  clock: () => Date;
  logger: Logger;
  revalidationIntervalSeconds: number;
  ttlDeletionEnabled: boolean;
  /** Delay before planning after an event, to fold the Secret + status pair of one report; default 250 ms. */
  planDelayMs?: number;
  /** Plans running at once; default 16. */
  concurrency?: number;
  onStatusWrite?: (reason: string) => void;
  /** Sees every planning/enqueue failure (the hub stops on Redis credential errors). */
  onFailure?: (err: unknown) => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * No re-validation when the rotation deadline is this close: the token is replaced anyway, and
 * the verify job would displace the delayed rotation job (one job per MSA) right before it fires.
 */
const REVALIDATION_SKIP_BEFORE_DEADLINE_MS = 60_000;
/** Re-plan this long after a re-validation job, to put the delayed rotation job back. */
const AFTER_VERIFY_RECHECK_MS = 2_000;
/** Re-plan interval while an immediate job of the MSA is still waiting to run. */
const PENDING_RECHECK_MS = 15_000;
/** Re-plan interval while a job of the MSA is running (its report usually re-plans sooner). */
const ACTIVE_RECHECK_MS = 1_000;

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Watch → plan → enqueue. Each event schedules a plan of the MSA it concerns; plans of one MSA
 * never overlap (a second event while one runs marks it dirty), so handlers are idempotent and
 * cheap to repeat after a relist. The pure decision is `planMsa`; this class does the I/O.
 */
export class Dispatcher {
  private readonly opts: DispatcherOptions;
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly ttlTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private readonly verifyNext = new Set<string>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private lastRevalidationTick: number | undefined;

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
  }

  /** Informer handler for MSAs. */
  onMsaChange(change: InformerChange<ManagedServiceAccount>): void {
    const ns = change.object.metadata.namespace ?? '';
    const name = change.object.metadata.name ?? '';
    if (change.type === 'delete') {
      this.cancelTtl(change.object.metadata.uid);
      void this.enqueueDeletion(change.object);
      return;
    }
    this.schedule(ns, name);
  }

  /** Informer handler for the labelled token Secrets: re-plan the MSA of the same name. */
  onSecretChange(change: InformerChange<TokenSecret>): void {
    const ns = change.object.metadata.namespace ?? '';
    const name = change.object.metadata.name ?? '';
    // A token put there by someone else may look fine to the hub (right subject, same expiry
    // second) yet not authenticate on the spoke: have the worker TokenReview it.
    if (change.type === 'update' && isForeignTokenChange(change.old, change.object))
      this.verifyNext.add(keyOf(ns, name));
    this.schedule(ns, name);
  }

  /** Informer handler for ManagedClusters: re-plan every MSA of that namespace. */
  onClusterChange(change: InformerChange<{ metadata?: { name?: string } }>): void {
    const cluster = change.object.metadata?.name ?? '';
    if (change.type !== 'delete') this.opts.queues.queue(cluster);
    for (const msa of this.opts.msas.list(cluster)) this.schedule(cluster, msa.metadata.name ?? '');
  }

  /** Plans every cached MSA (start-up rebuild of rotation jobs, and the periodic safety net). */
  replanAll(): number {
    const all = this.opts.msas.list();
    for (const msa of all) this.schedule(msa.metadata.namespace ?? '', msa.metadata.name ?? '', 0);
    return all.length;
  }

  /**
   * Enqueues `verify: true` reconciles for the MSAs whose re-validation slot passed since the
   * previous tick (each MSA once per interval, spread by a hash of its uid).
   */
  async revalidationTick(): Promise<number> {
    const now = this.opts.clock().getTime();
    const from = this.lastRevalidationTick ?? now;
    this.lastRevalidationTick = now;
    const intervalMs = this.opts.revalidationIntervalSeconds * 1000;
    let count = 0;
    for (const msa of this.opts.msas.list()) {
      const uid = msa.metadata.uid;
      const ns = msa.metadata.namespace ?? '';
      if (uid === undefined || !isRevalidationDue(uid, from, now, intervalMs)) continue;
      if (this.opts.clusters.get('', ns) === undefined || msa.status?.tokenSecretRef === undefined) continue;
      const deadline = this.rotationDeadline(msa, new Date(now));
      if (deadline !== undefined && deadline.getTime() - now < REVALIDATION_SKIP_BEFORE_DEADLINE_MS) continue;
      try {
        await this.opts.queues.enqueueReconcile(this.jobData(msa, null, true));
        // The verify job replaced the delayed rotation job: a re-plan once it ran puts it back
        // (a passing verify changes nothing on the hub, so no event would).
        this.recheckLater(ns, msa.metadata.name ?? '', AFTER_VERIFY_RECHECK_MS);
        count += 1;
      } catch (err) {
        this.opts.logger.warn(
          { msa: `${ns}/${msa.metadata.name ?? ''}`, err: describe(err) },
          'cannot enqueue re-validation',
        );
      }
    }
    return count;
  }

  /**
   * Forces a new token for every MSA of one cluster (operator request): an immediate reconcile
   * with reason `ForcedRotation` each. Resolves undefined when no ManagedCluster of that name
   * exists. MSAs that are invalid or being deleted are left alone.
   */
  async rotateCluster(cluster: string): Promise<{ enqueued: number } | undefined> {
    if (this.opts.clusters.get('', cluster) === undefined) return undefined;
    let enqueued = 0;
    for (const msa of this.opts.msas.list(cluster)) {
      if (msa.metadata.uid === undefined || msa.metadata.deletionTimestamp !== undefined) continue;
      const validity = validityToExpirationSeconds(msa.spec?.rotation?.validity);
      if (!validity.ok) continue;
      await this.opts.queues.enqueueReconcile(
        this.jobData(msa, MintReason.ForcedRotation, false, validity.seconds),
      );
      enqueued += 1;
    }
    return { enqueued };
  }

  /** The MSA's rotation deadline when it needs nothing else (pure plan from the caches). */
  private rotationDeadline(msa: ManagedServiceAccount, now: Date): Date | undefined {
    const ns = msa.metadata.namespace ?? '';
    return planMsa({
      msa,
      secret: this.opts.secrets.get(ns, msa.metadata.name ?? ''),
      clusterExists: true,
      now,
      agentNamespace: this.opts.health.agentNamespace(ns),
      ttlEnabled: false,
    }).rotationAt;
  }

  /** Resolves when no plan is running or scheduled (tests and shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.delayed.size === 0 && this.dirty.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops scheduling; pending timers are cleared. */
  stop(): void {
    this.stopped = true;
    for (const t of this.delayed.values()) clearTimeout(t);
    this.delayed.clear();
    for (const t of this.ttlTimers.values()) clearTimeout(t.timer);
    this.ttlTimers.clear();
    for (const t of this.rechecks.values()) clearTimeout(t);
    this.rechecks.clear();
    this.notifyIdle();
  }

  /** Schedules a plan of one MSA after `delayMs` (default planDelayMs); repeated calls fold. */
  schedule(namespace: string, name: string, delayMs = this.opts.planDelayMs ?? 250): void {
    if (this.stopped || name === '') return;
    const key = keyOf(namespace, name);
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      void this.run(key, namespace, name);
    }, delayMs);
    this.delayed.set(key, timer);
  }

  /**
   * A safety re-plan in `delayMs` (not counted by {@link idle}): normally the awaited event
   * re-plans sooner, and this timer finds nothing to do.
   */
  private recheckLater(namespace: string, name: string, delayMs: number): void {
    const key = keyOf(namespace, name);
    if (this.stopped || this.rechecks.has(key)) return;
    const timer = setTimeout(
      () => {
        this.rechecks.delete(key);
        this.schedule(namespace, name, 0);
      },
      Math.max(1000, delayMs),
    );
    timer.unref();
    this.rechecks.set(key, timer);
  }

  private async run(key: string, namespace: string, name: string): Promise<void> {
    this.running.add(key);
    await this.acquire();
    try {
      await this.planOne(namespace, name);
    } catch (err) {
      this.opts.onFailure?.(err);
      this.opts.logger.warn(
        { msa: key, err: describe(err) },
        'planning failed; the next event or resync retries',
      );
    } finally {
      this.release();
      this.running.delete(key);
      if (this.dirty.delete(key)) this.schedule(namespace, name, 0);
      this.notifyIdle();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < (this.opts.concurrency ?? 16)) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active -= 1;
  }

  private notifyIdle(): void {
    if (this.running.size === 0 && this.delayed.size === 0 && this.dirty.size === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private jobData(
    msa: ManagedServiceAccount,
    mintReason: MintReason | null,
    verify: boolean,
    expirationSeconds?: number,
  ): ReconcileJobData {
    const ns = msa.metadata.namespace ?? '';
    const rotate = msa.metadata.annotations?.[ANNOTATION_ROTATE];
    const validity = validityToExpirationSeconds(msa.spec?.rotation?.validity);
    return {
      cluster: ns,
      namespace: ns,
      name: msa.metadata.name ?? '',
      uid: msa.metadata.uid ?? '',
      expirationSeconds: expirationSeconds ?? (validity.ok ? validity.seconds : DEFAULT_VALIDITY_SECONDS),
      mintReason,
      verify,
      ...(rotate === undefined ? {} : { rotateToken: rotate }),
      enqueuedAt: this.opts.clock().toISOString(),
    };
  }

  /** Plans one MSA from the caches and applies the plan. */
  async planOne(namespace: string, name: string): Promise<void> {
    const msa = this.opts.msas.get(namespace, name);
    if (msa === undefined || msa.metadata.uid === undefined) return;
    const now = this.opts.clock();
    const plan = planMsa({
      msa,
      secret: this.opts.secrets.get(namespace, name),
      clusterExists: this.opts.clusters.get('', namespace) !== undefined,
      now,
      agentNamespace: this.opts.health.agentNamespace(namespace),
      ttlEnabled: this.opts.ttlDeletionEnabled,
    });
    if (plan.deleteAt !== undefined) this.armTtl(msa, plan.deleteAt);
    if (plan.recheckAt !== undefined) {
      this.recheckLater(namespace, name, plan.recheckAt.getTime() - now.getTime());
      return;
    }
    if (plan.condition !== undefined) {
      const condition = plan.condition;
      const res = await updateMsaStatus(
        this.opts.rest,
        { namespace, name, uid: msa.metadata.uid },
        (m) =>
          statusWithCondition(
            m,
            { ...condition, observedGeneration: m.metadata.generation },
            this.opts.clock(),
          ),
        { current: msa },
      );
      if (res.written) this.opts.onStatusWrite?.(condition.reason);
    }
    const key = keyOf(namespace, name);
    if (plan.reconcile === undefined && plan.rotationAt !== undefined && this.verifyNext.has(key)) {
      this.verifyNext.delete(key);
      await this.opts.queues.enqueueReconcile(this.jobData(msa, null, true, plan.expirationSeconds));
      // The verify job displaced the delayed rotation job: put it back once the verify ran.
      this.recheckLater(namespace, name, AFTER_VERIFY_RECHECK_MS);
    } else if (plan.reconcile !== undefined) {
      this.verifyNext.delete(key);
      const enqueued = await this.opts.queues.enqueueReconcile(
        this.jobData(msa, plan.reconcile.mintReason, plan.reconcile.verify, plan.expirationSeconds),
        { deferIfActive: true },
      );
      if (enqueued.activePending === true) this.recheckLater(namespace, name, ACTIVE_RECHECK_MS);
    } else if (plan.rotationAt !== undefined) {
      const scheduled = await this.opts.queues.scheduleRotation(
        this.jobData(msa, MintReason.RotationDue, false, plan.expirationSeconds),
        plan.rotationAt,
        now,
      );
      // An immediate job that does not mint (a re-validation) leaves no event behind when it
      // passes: keep looking until the delayed rotation job is back in place.
      // Sooner when the deadline is near; the periodic re-plan covers far deadlines anyway.
      if (scheduled.immediatePending === true) {
        const untilDeadline = plan.rotationAt.getTime() - now.getTime();
        this.recheckLater(namespace, name, Math.min(PENDING_RECHECK_MS, Math.max(1000, untilDeadline / 4)));
      }
    }
  }

  private async enqueueDeletion(msa: ManagedServiceAccount): Promise<void> {
    const ns = msa.metadata.namespace ?? '';
    const name = msa.metadata.name ?? '';
    if (this.stopped || name === '' || msa.metadata.uid === undefined) return;
    // No cluster, no worker: nobody would consume the job (and no SA was ever created).
    if (this.opts.clusters.get('', ns) === undefined) return;
    try {
      await this.opts.queues.enqueueDelete({
        cluster: ns,
        namespace: ns,
        name,
        uid: msa.metadata.uid,
        enqueuedAt: this.opts.clock().toISOString(),
      });
    } catch (err) {
      // The worker's orphan sweep deletes the labelled SA later; nothing is lost.
      this.opts.onFailure?.(err);
      this.opts.logger.warn(
        { msa: `${ns}/${name}`, err: describe(err) },
        'cannot enqueue ServiceAccount deletion',
      );
    }
  }

  private armTtl(msa: ManagedServiceAccount, at: Date): void {
    const uid = msa.metadata.uid ?? '';
    const existing = this.ttlTimers.get(uid);
    if (existing !== undefined && existing.at === at.getTime()) return;
    if (existing !== undefined) clearTimeout(existing.timer);
    const ns = msa.metadata.namespace ?? '';
    const name = msa.metadata.name ?? '';
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - this.opts.clock().getTime()));
    const timer = setTimeout(() => {
      this.ttlTimers.delete(uid);
      if (at.getTime() > this.opts.clock().getTime()) {
        // The deadline is beyond one timer's reach: re-plan re-arms it.
        this.schedule(ns, name, 0);
        return;
      }
      void this.deleteExpired(ns, name, uid);
    }, wait);
    timer.unref();
    this.ttlTimers.set(uid, { at: at.getTime(), timer });
  }

  private cancelTtl(uid: string | undefined): void {
    if (uid === undefined) return;
    const t = this.ttlTimers.get(uid);
    if (t !== undefined) clearTimeout(t.timer);
    this.ttlTimers.delete(uid);
  }

  private async deleteExpired(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.opts.rest.delete(kubePaths.msa(namespace, name), {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { uid },
        propagationPolicy: 'Background',
      });
      this.opts.logger.info(
        { msa: `${namespace}/${name}` },
        'deleted ManagedServiceAccount after ttlSecondsAfterCreation',
      );
    } catch (err) {
      // Gone already, or recreated with another uid (precondition): nothing to do.
      if (err instanceof KubeApiError && (err.statusCode === 404 || err.statusCode === 409)) return;
      this.opts.logger.warn(
        { msa: `${namespace}/${name}`, err: describe(err) },
        'TTL deletion failed; re-planning retries',
      );
      this.schedule(namespace, name, 5000);
    }
  }
}
