import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceService } from '../api/service/resource-service.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from '../api/service/resource-service.js';
import type { ResourceType } from '../api/resource-type.js';
import { resourceKey } from '../api/resource-type.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { WorkQueue } from './work-queue.js';

/**
 * The garbage collector of kube-controller-manager (pkg/controller/garbagecollector), simplified
 * to its observable behaviour: a dependent is deleted (background) once none of its owners
 * (matched by uid) exists; an owner deleted with `orphan` loses its dependents' references first;
 * one deleted with `foregroundDeletion` waits until its dependents are gone.
 */
export class GarbageCollector {
  private readonly unsubscribe: () => void;
  private readonly queue = new WorkQueue();
  private readonly uids = new Set<string>();

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

  private onEvent(e: StoreEvent): void {
    const uid = e.object.metadata.uid;
    if (!uid) return;
    if (e.type === 'DELETED') {
      this.uids.delete(uid);
      this.queue.add(() => this.collectDependentsOf(uid));
      return;
    }
    this.uids.add(uid);
    const refs = e.object.metadata.ownerReferences ?? [];
    if (e.type === 'ADDED' && refs.length > 0) this.queue.add(() => this.collectIfOrphaned(e.key, e.object));
    const fin = e.object.metadata.finalizers ?? [];
    if (
      e.object.metadata.deletionTimestamp &&
      (fin.includes(FINALIZER_ORPHAN) || fin.includes(FINALIZER_FOREGROUND))
    ) {
      this.queue.add(() => this.processOwnerFinalizers(e.key, e.object));
    }
  }

  private everyObject(): Array<{ type: ResourceType; obj: KubeObject }> {
    const out: Array<{ type: ResourceType; obj: KubeObject }> = [];
    for (const type of this.registry.all()) {
      if (type.virtual) continue;
      for (const obj of this.store.list(resourceKey(type.group, type.plural))) out.push({ type, obj });
    }
    return out;
  }

  private dependentsOf(uid: string): Array<{ type: ResourceType; obj: KubeObject }> {
    return this.everyObject().filter(({ obj }) =>
      (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid),
    );
  }

  private deleteObject(type: ResourceType, obj: KubeObject, policy?: 'Foreground'): void {
    const version = type.versions.find((v) => v.name === type.storageVersion) ?? type.versions[0];
    if (!version || obj.metadata.deletionTimestamp) return;
    try {
      this.service.delete(
        { type, version },
        obj.metadata.namespace,
        obj.metadata.name ?? '',
        policy ? { propagationPolicy: policy } : {},
      );
    } catch {
      // Already gone: nothing to collect.
    }
  }

  private collectDependentsOf(uid: string): void {
    for (const { type, obj } of this.dependentsOf(uid)) {
      const owners = obj.metadata.ownerReferences ?? [];
      if (owners.every((r) => !this.uids.has(r.uid))) this.deleteObject(type, obj);
    }
    this.recheckForeground();
  }

  private collectIfOrphaned(key: string, obj: KubeObject): void {
    const current = this.store.get(key, obj.metadata.namespace, obj.metadata.name ?? '');
    if (!current || current.metadata.uid !== obj.metadata.uid) return;
    const owners = current.metadata.ownerReferences ?? [];
    if (owners.length > 0 && owners.every((r) => !this.uids.has(r.uid))) {
      const type = this.registry.all().find((t) => resourceKey(t.group, t.plural) === key);
      if (type) this.deleteObject(type, current);
    }
  }

  private processOwnerFinalizers(key: string, owner: KubeObject): void {
    const current = this.store.get(key, owner.metadata.namespace, owner.metadata.name ?? '');
    if (!current?.metadata.deletionTimestamp) return;
    const uid = current.metadata.uid ?? '';
    const fin = current.metadata.finalizers ?? [];
    if (fin.includes(FINALIZER_ORPHAN)) {
      for (const { type, obj } of this.dependentsOf(uid)) {
        const next = structuredClone(obj);
        next.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.store.update(resourceKey(type.group, type.plural), next);
      }
      this.removeFinalizer(key, current, FINALIZER_ORPHAN);
      return;
    }
    if (fin.includes(FINALIZER_FOREGROUND)) {
      const deps = this.dependentsOf(uid);
      for (const { type, obj } of deps) this.deleteObject(type, obj, 'Foreground');
      if (deps.length === 0) this.removeFinalizer(key, current, FINALIZER_FOREGROUND);
    }
  }

  private recheckForeground(): void {
    for (const { type, obj } of this.everyObject()) {
      if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) {
        this.processOwnerFinalizers(resourceKey(type.group, type.plural), obj);
      }
    }
  }

  private removeFinalizer(key: string, obj: KubeObject, finalizer: string): void {
    const next = structuredClone(obj);
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (rest.length > 0) next.metadata.finalizers = rest;
    else delete next.metadata.finalizers;
    this.store.update(key, next);
    if (rest.length === 0) this.store.delete(key, obj.metadata.namespace, obj.metadata.name ?? '');
  }
}
