import type { KubeObject } from '../api/types.js';

/** The kinds of watch event (watch.EventType). */
export const WatchEventType = {
  Added: 'ADDED',
  Modified: 'MODIFIED',
  Deleted: 'DELETED',
  Bookmark: 'BOOKMARK',
  Error: 'ERROR',
} as const;
/** One of {@link WatchEventType}. */
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

/** A change recorded by the store. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Resource key `group/plural`. */
  key: string;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change, when there was one (used to evaluate selectors on MODIFIED). */
  previous?: KubeObject;
  resourceVersion: number;
}

/** Receives store events as they happen. */
export type StoreListener = (event: StoreEvent) => void;

/** Options of {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** How many past events are kept for watches from an older resourceVersion. Default 1000. */
  eventWindow?: number;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * In-memory storage for one cluster: objects by resource, one resourceVersion counter for all of
 * them (like etcd's revision), and a bounded window of past events for watch resumption. Objects
 * handed in and out are copies, so callers may mutate them freely.
 */
export class ObjectStore {
  private revision = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly window: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly windowSize: number;
  /** The revision before the oldest event still in the window (events after it are all known). */
  private compactedRevision = 0;

  constructor(options: ObjectStoreOptions = {}) {
    this.windowSize = options.eventWindow ?? 1000;
  }

  /** The latest resourceVersion handed out. */
  get currentRevision(): number {
    return this.revision;
  }

  /** Events with a resourceVersion greater than this are all still in the window. */
  get oldestResumableRevision(): number {
    return this.compactedRevision;
  }

  /** Forget all past events (so any older resourceVersion becomes too old). */
  compact(): void {
    this.compactedRevision = this.revision;
    this.window.length = 0;
  }

  /** Current state of one object. */
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.buckets.get(key)?.get(objectKey(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** All objects of a resource (optionally of one namespace) sorted by namespace/name. */
  list(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const keys = [...bucket.keys()].sort();
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = bucket.get(k);
      if (!o) continue;
      if (namespace !== undefined && namespace !== '' && o.metadata.namespace !== namespace) continue;
      out.push(structuredClone(o));
    }
    return out;
  }

  /** Resource keys that hold at least one object. */
  keys(): string[] {
    return [...this.buckets.entries()].filter(([, b]) => b.size > 0).map(([k]) => k);
  }

  /** Store a new object, stamping its resourceVersion. */
  create(key: string, object: KubeObject): KubeObject {
    return this.write(key, object, 'ADDED');
  }

  /** Replace an existing object, stamping a new resourceVersion. */
  update(key: string, object: KubeObject): KubeObject {
    return this.write(key, object, 'MODIFIED');
  }

  /** Remove an object; the DELETED event carries a fresh resourceVersion. */
  delete(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.buckets.get(key);
    const k = objectKey(namespace, name);
    const existing = bucket?.get(k);
    if (!bucket || !existing) return undefined;
    bucket.delete(k);
    const rv = ++this.revision;
    const gone = structuredClone(existing);
    gone.metadata.resourceVersion = String(rv);
    this.record({ type: 'DELETED', key, object: gone, previous: existing, resourceVersion: rv });
    return structuredClone(gone);
  }

  /** Past events of a resource after `since`, or undefined when they are no longer known. */
  eventsSince(key: string, since: number): StoreEvent[] | undefined {
    if (since < this.compactedRevision) return undefined;
    return this.window.filter((e) => e.key === key && e.resourceVersion > since);
  }

  /** Listen to every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(key: string, object: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    const k = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const previous = bucket.get(k);
    const rv = ++this.revision;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(rv);
    bucket.set(k, stored);
    this.record({ type, key, object: stored, ...(previous ? { previous } : {}), resourceVersion: rv });
    return structuredClone(stored);
  }

  private record(event: StoreEvent): void {
    this.window.push(event);
    while (this.window.length > this.windowSize) {
      const dropped = this.window.shift();
      if (dropped) this.compactedRevision = dropped.resourceVersion;
    }
    for (const l of [...this.listeners]) l(event);
  }
}
