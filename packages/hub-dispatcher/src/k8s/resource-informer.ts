import { computeBackoff } from '@msa/common';
import { KubeApiError } from './kube-api-error.js';
import type { KubeRest, WatchEvent, WatchHandle } from './kube-rest.js';

/** The metadata an informer needs from an object. */
export interface InformedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

/** A change seen by an informer; `old` is the cached copy before an update or delete. */
export type InformerChange<T> =
  { type: 'add'; object: T } | { type: 'update'; object: T; old: T } | { type: 'delete'; object: T };

/** Minimal logger the informer writes to. */
export interface InformerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of {@link ResourceInformer}. */
export interface ResourceInformerOptions<T> {
  rest: KubeRest;
  /** Short name used in logs and metrics, e.g. `managedserviceaccounts`. */
  name: string;
  /** Collection path (all namespaces), e.g. `/api/v1/secrets`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Full relist period in ms (resyncPeriodSeconds); default 5 min. */
  relistMs?: number;
  /** Restart the watch when nothing (not even a bookmark) arrived for this long; default 90 s. */
  watchdogMs?: number;
  /** Server-side watch timeout in seconds; default 60. */
  watchTimeoutSeconds?: number;
  /** Backoff base and cap for restarts; defaults 500 ms / 30 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  onChange: (change: InformerChange<T>) => void;
  /** Called after each complete list (first sync and every relist). */
  onListed?: () => void;
  /** Called each time the list/watch loop restarts after an error. */
  onRestart?: (err: unknown) => void;
  logger: InformerLogger;
}

function keyOf(obj: InformedObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

class GoneError extends Error {}
class RelistRequested extends Error {}

interface ListBody<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/**
 * List-then-watch cache of one resource (the pattern of client-go's reflector). Unlike
 * client-node's ListWatch it never stops on an error: the loop restarts itself with capped,
 * jittered backoff (a single loop, so exactly one restart is ever in flight), a watchdog
 * restarts a watch that went silent, and a periodic relist repairs anything a watch missed
 * (ECOSYSTEM-NOTES). Handlers see every object again after a relist only when it changed.
 */
export class ResourceInformer<T extends InformedObject> {
  private readonly opts: ResourceInformerOptions<T>;
  private readonly cache = new Map<string, T>();
  private resourceVersion = '';
  private stopped = true;
  private synced = false;
  private currentWatch: WatchHandle | undefined;
  private relistRequested = false;
  private relistTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private syncedWaiters: Array<() => void> = [];
  /** Number of restarts after errors (for metrics and tests). */
  restarts = 0;

  constructor(opts: ResourceInformerOptions<T>) {
    this.opts = opts;
  }

  /** True after the first complete list. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Cached object by namespace and name. */
  get(namespace: string, name: string): T | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
  }

  /** Starts the loop; resolves at once (use {@link waitForSync}). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const relistMs = this.opts.relistMs ?? 300_000;
    this.relistTimer = setInterval(() => this.requestRelist(), relistMs);
    this.relistTimer.unref();
    this.loop = this.run();
  }

  /** Resolves once the first list completed, or rejects after `timeoutMs`. */
  waitForSync(timeoutMs: number): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.opts.name} informer did not sync in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.syncedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Forces a full relist now (used by the watchdog and the periodic timer). */
  requestRelist(): void {
    this.relistRequested = true;
    this.currentWatch?.abort();
  }

  /** Stops the loop and closes the watch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.relistTimer !== undefined) clearInterval(this.relistTimer);
    this.currentWatch?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        this.relistRequested = false;
        await this.relist();
        failures = 0;
        while (!this.stopped) {
          await this.watchOnce();
        }
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof GoneError || err instanceof RelistRequested) continue;
        failures += 1;
        this.restarts += 1;
        this.opts.onRestart?.(err);
        const delay = computeBackoff(failures, {
          baseMs: this.opts.backoffBaseMs ?? 500,
          maxMs: this.opts.backoffMaxMs ?? 30_000,
          ...(err instanceof KubeApiError && err.retryAfterSeconds !== undefined
            ? { retryAfterMs: err.retryAfterSeconds * 1000 }
            : {}),
        });
        this.opts.logger.warn(
          { informer: this.opts.name, err: describe(err), retryInMs: delay, restarts: this.restarts },
          'informer failed; restarting',
        );
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const body = await this.opts.rest.get<ListBody<T>>(this.opts.path, {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        limit: 500,
        continue: cont,
      });
      items.push(...(body.items ?? []));
      cont =
        body.metadata?.continue !== undefined && body.metadata.continue !== ''
          ? body.metadata.continue
          : undefined;
      rv = body.metadata?.resourceVersion ?? rv;
    } while (cont !== undefined);
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      this.upsert(item);
    }
    for (const [key, old] of [...this.cache.entries()]) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emit({ type: 'delete', object: old });
      }
    }
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncedWaiters.splice(0)) w();
    }
    this.opts.onListed?.();
  }

  private upsert(item: T): void {
    const key = keyOf(item);
    const old = this.cache.get(key);
    this.cache.set(key, item);
    if (old === undefined) this.emit({ type: 'add', object: item });
    else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
      this.emit({ type: 'update', object: item, old });
    }
  }

  private emit(change: InformerChange<T>): void {
    try {
      this.opts.onChange(change);
    } catch (err) {
      // A handler bug must not kill the informer; the next relist retries the object.
      this.opts.logger.warn({ informer: this.opts.name, err: describe(err) }, 'informer handler threw');
    }
  }

  private async watchOnce(): Promise<void> {
    let gone = false;
    let lastSeen = Date.now();
    const handle = await this.opts.rest.watch(
      this.opts.path,
      {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.opts.watchTimeoutSeconds ?? 60,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
      },
      (event: WatchEvent) => {
        lastSeen = Date.now();
        this.onWatchEvent(event, () => {
          gone = true;
          handle?.abort();
        });
      },
    );
    this.currentWatch = handle;
    if (this.relistRequested || this.stopped) handle.abort();
    const watchdogMs = this.opts.watchdogMs ?? 90_000;
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastSeen > watchdogMs) {
          this.opts.logger.warn({ informer: this.opts.name }, 'watch silent for too long; relisting');
          this.requestRelist();
        }
      },
      Math.max(50, Math.floor(watchdogMs / 4)),
    );
    try {
      await handle.done;
    } finally {
      clearInterval(watchdog);
      this.currentWatch = undefined;
    }
    if (gone) throw new GoneError('resourceVersion expired');
    if (this.relistRequested) throw new RelistRequested('relist');
  }

  private onWatchEvent(event: WatchEvent, onGone: () => void): void {
    const obj = event.object as (T & { code?: number; kind?: string }) | undefined;
    if (obj === undefined || obj === null) return;
    if (event.type === 'ERROR') {
      if (obj.code === 410) onGone();
      else this.requestRelist();
      return;
    }
    const rv = obj.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv !== undefined) this.resourceVersion = rv;
      return;
    }
    if (event.type === 'DELETED') {
      const key = keyOf(obj);
      this.cache.delete(key);
      this.emit({ type: 'delete', object: obj });
    } else {
      this.upsert(obj);
    }
    if (rv !== undefined) this.resourceVersion = rv;
  }
}

/** Describes an error for logs without dumping request or response bodies. */
export function describe(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.statusCode} ${err.reason}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
