import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceService } from '../api/service/resource-service.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from '../api/service/resource-service.js';
import type { ResourceType } from '../api/resource-type.js';
import { resourceKey } from '../api/resource-type.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { WorkQueue } from './work-queue.js';

/** Where an object lives in the store. */
interface ObjectRef {
  key: string;
  namespace: string | undefined;
  name: string;
}

function refId(r: ObjectRef): string {
  return `${r.key}|${r.namespace ?? ''}|${r.name}`;
}

/**
 * The garbage collector of kube-controller-manager (pkg/controller/garbagecollector), reduced to
 * its observable behaviour: a dependent is deleted (background) once none of its owners (matched
 * by uid) exists; an owner deleted with the `orphan` finalizer first loses its dependents'
 * references; one deleted with `foregroundDeletion` waits until its dependents are gone. An
 * owner-uid → dependents index keeps each deletion cheap.
 */
export class GarbageCollector {
  private readonly unsubscribe: () => void;
  private readonly queue = new WorkQueue();
  /** uid → where the object is, for every live object. */
  private readonly live = new Map<string, ObjectRef>();
  /** owner uid → dependents (by refId). */
  private readonly dependents = new Map<string, Map<string, ObjectRef>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly service: ResourceService,
  ) {
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Stop reacting to changes. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private index(e: StoreEvent): void {
    const ref: ObjectRef = {
      key: e.key,
      namespace: e.object.metadata.namespace,
      name: e.object.metadata.name ?? '',
    };
    const id = refId(ref);
    for (const o of e.previous?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(id);
    const uid = e.object.metadata.uid ?? '';
    if (e.type === 'DELETED') {
      this.live.delete(uid);
      return;
    }
    this.live.set(uid, ref);
    for (const o of e.object.metadata.ownerReferences ?? []) {
      let deps = this.dependents.get(o.uid);
      if (!deps) {
        deps = new Map();
        this.dependents.set(o.uid, deps);
      }
      deps.set(id, ref);
    }
  }

  private onEvent(e: StoreEvent): void {
    const uid = e.object.metadata.uid;
    if (!uid) return;
    this.index(e);
    if (e.type === 'DELETED') {
      this.queue.add(() => this.collectDependentsOf(uid));
      for (const o of e.object.metadata.ownerReferences ?? []) {
        const owner = this.live.get(o.uid);
        if (owner) this.queue.add(() => this.processOwner(owner));
      }
      return;
    }
    const refs = e.object.metadata.ownerReferences ?? [];
    if (e.type === 'ADDED' && refs.length > 0) {
      this.queue.add(() =>
        this.collectIfOrphaned({
          key: e.key,
          namespace: e.object.metadata.namespace,
          name: e.object.metadata.name ?? '',
        }),
      );
    }
    const fin = e.object.metadata.finalizers ?? [];
    if (
      e.object.metadata.deletionTimestamp &&
      (fin.includes(FINALIZER_ORPHAN) || fin.includes(FINALIZER_FOREGROUND))
    ) {
      this.queue.add(() =>
        this.processOwner({
          key: e.key,
          namespace: e.object.metadata.namespace,
          name: e.object.metadata.name ?? '',
        }),
      );
    }
  }

  private typeOf(key: string): ResourceType | undefined {
    return this.registry.all().find((t) => resourceKey(t.group, t.plural) === key);
  }

  private read(ref: ObjectRef): KubeObject | undefined {
    return this.store.get(ref.key, ref.namespace, ref.name);
  }

  private deleteObject(ref: ObjectRef, policy?: 'Foreground'): void {
    const type = this.typeOf(ref.key);
    const obj = this.read(ref);
    const version = type?.versions.find((v) => v.name === type.storageVersion) ?? type?.versions[0];
    if (!type || !version || !obj || obj.metadata.deletionTimestamp) return;
    this.service.delete(
      { type, version },
      ref.namespace,
      ref.name,
      policy ? { propagationPolicy: policy } : {},
    );
  }

  private collectDependentsOf(uid: string): void {
    for (const ref of [...(this.dependents.get(uid)?.values() ?? [])]) this.collectIfOrphaned(ref);
    if ((this.dependents.get(uid)?.size ?? 0) === 0) this.dependents.delete(uid);
  }

  private collectIfOrphaned(ref: ObjectRef): void {
    const obj = this.read(ref);
    const owners = obj?.metadata.ownerReferences ?? [];
    if (obj && owners.length > 0 && owners.every((r) => !this.live.has(r.uid))) this.deleteObject(ref);
  }

  private processOwner(ref: ObjectRef): void {
    const owner = this.read(ref);
    if (!owner?.metadata.deletionTimestamp) return;
    const uid = owner.metadata.uid ?? '';
    const fin = owner.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid)?.values() ?? [])];
    if (fin.includes(FINALIZER_ORPHAN)) {
      for (const d of deps) {
        const obj = this.read(d);
        if (!obj) continue;
        const rest = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (rest.length > 0) obj.metadata.ownerReferences = rest;
        else delete obj.metadata.ownerReferences;
        this.store.update(d.key, obj);
      }
      this.removeFinalizer(ref, owner, FINALIZER_ORPHAN);
      return;
    }
    if (fin.includes(FINALIZER_FOREGROUND)) {
      for (const d of deps) this.deleteObject(d, 'Foreground');
      if (deps.every((d) => !this.read(d))) this.removeFinalizer(ref, owner, FINALIZER_FOREGROUND);
    }
  }

  private removeFinalizer(ref: ObjectRef, obj: KubeObject, finalizer: string): void {
    const next = structuredClone(obj);
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (rest.length > 0) next.metadata.finalizers = rest;
    else delete next.metadata.finalizers;
    this.store.update(ref.key, next);
    if (rest.length === 0) this.store.delete(ref.key, ref.namespace, ref.name);
  }
}
