import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceService } from '../api/service/resource-service.js';
import { resourceKey } from '../api/resource-type.js';
import type { JsonObject, KubeObject } from '../api/types.js';
import { isJsonObject, jsonEqual } from '../api/types.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { defaultCrd, resourceTypeFromCrd, validateCrd } from './crd-resource-type.js';
import { WorkQueue } from './work-queue.js';

const CRD_KEY = resourceKey('apiextensions.k8s.io', 'customresourcedefinitions');
/** Finalizer that makes CRD deletion remove every custom resource first. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function condition(type: string, status: string, reason: string, message: string, now: string): JsonObject {
  return { type, status, lastTransitionTime: now, reason, message };
}

/**
 * The CRD controllers of apiextensions-apiserver in one: serve a CRD's resources as soon as it is
 * stored (registration is synchronous, so the next request finds them), publish NamesAccepted
 * and Established, and on deletion remove all custom resources before the CRD goes away.
 */
export class CrdController {
  private readonly unsubscribe: () => void;
  private readonly queue = new WorkQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly service: ResourceService,
  ) {
    const crdType = registry.byKey('apiextensions.k8s.io', 'customresourcedefinitions');
    if (crdType) {
      crdType.strategy = { ...crdType.strategy, validate: validateCrd, applyDefaults: defaultCrd };
    }
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Stop reacting to changes. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private onEvent(e: StoreEvent): void {
    if (e.key === CRD_KEY) {
      if (e.type === 'DELETED') {
        const type = resourceTypeFromCrd(e.object);
        if (type) this.registry.unregister(type.group, type.plural);
        return;
      }
      const type = resourceTypeFromCrd(e.object);
      if (type) {
        // apiextensions-apiserver's crdHandler refuses creates once the CRD is terminating.
        if (e.object.metadata.deletionTimestamp) type.terminating = true;
        this.registry.register(type);
      }
      this.queue.add(() => this.reconcile(e.object.metadata.name ?? ''));
      return;
    }
    if (e.type === 'DELETED') {
      // A custom resource went away: a terminating CRD may now be able to finish.
      for (const crd of this.store.list(CRD_KEY)) {
        if (crd.metadata.deletionTimestamp) this.queue.add(() => this.reconcile(crd.metadata.name ?? ''));
      }
    }
  }

  private reconcile(name: string): void {
    const crd = this.store.get(CRD_KEY, undefined, name);
    if (!crd) return;
    const type = resourceTypeFromCrd(crd);
    if (crd.metadata.deletionTimestamp) {
      this.cleanup(crd);
      return;
    }
    const now = this.service.timestamp();
    const spec = isJsonObject(crd.spec) ? crd.spec : {};
    const prev = isJsonObject(crd.status) ? crd.status : {};
    const prevConditions = Array.isArray(prev.conditions) ? prev.conditions.filter(isJsonObject) : [];
    const keep = (t: string, fresh: JsonObject): JsonObject => {
      const old = prevConditions.find((c) => c.type === t);
      return old && old.status === fresh.status ? old : fresh;
    };
    const storage = (Array.isArray(spec.versions) ? spec.versions : [])
      .filter(isJsonObject)
      .find((v) => v.storage === true);
    const stored = new Set(Array.isArray(prev.storedVersions) ? prev.storedVersions : []);
    if (storage && typeof storage.name === 'string') stored.add(storage.name);
    const status: JsonObject = {
      acceptedNames: isJsonObject(spec.names) ? structuredClone(spec.names) : {},
      conditions: [
        keep('NamesAccepted', condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found', now)),
        keep(
          'Established',
          condition(
            'Established',
            type ? 'True' : 'False',
            type ? 'InitialNamesAccepted' : 'Invalid',
            type ? 'the initial names have been accepted' : 'spec is invalid',
            now,
          ),
        ),
      ],
      storedVersions: [...stored] as string[],
    };
    const finalizers = crd.metadata.finalizers ?? [];
    const needsFinalizer = !finalizers.includes(CRD_CLEANUP_FINALIZER);
    if (jsonEqual(status, crd.status) && !needsFinalizer) return;
    const next: KubeObject = structuredClone(crd);
    next.status = status;
    if (needsFinalizer) next.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    this.store.update(CRD_KEY, next);
  }

  private cleanup(crd: KubeObject): void {
    const status = isJsonObject(crd.status) ? crd.status : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
    if (!conditions.some((c) => c.type === 'Terminating')) {
      const next = structuredClone(crd);
      next.status = {
        ...status,
        conditions: [
          ...conditions,
          condition(
            'Terminating',
            'True',
            'InstanceDeletionInProgress',
            'CustomResource deletion is in progress',
            this.service.timestamp(),
          ),
        ],
      };
      this.store.update(CRD_KEY, next);
      return;
    }
    const type = resourceTypeFromCrd(crd);
    if (type) {
      const key = resourceKey(type.group, type.plural);
      const remaining = this.store.list(key);
      for (const obj of remaining) {
        if (!obj.metadata.deletionTimestamp) {
          const rr = { type, version: type.versions[0] ?? { name: type.storageVersion, componentName: '' } };
          this.service.delete(rr, obj.metadata.namespace, obj.metadata.name ?? '', {});
        }
      }
      if (this.store.list(key).length > 0) return;
      this.registry.unregister(type.group, type.plural);
    }
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    const next = structuredClone(crd);
    next.metadata.finalizers = finalizers;
    if (finalizers.length === 0) {
      delete next.metadata.finalizers;
      this.store.update(CRD_KEY, next);
      this.store.delete(CRD_KEY, undefined, crd.metadata.name ?? '');
    } else if (finalizers.length !== (crd.metadata.finalizers ?? []).length) {
      this.store.update(CRD_KEY, next);
    }
  }
}
