import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../../store/object-store.js';
import { matchesFields, selectableFields } from '../../store/field-selector.js';
import { matchesLabels } from '../../store/label-selector.js';
import { fieldSetOf } from '../../patch/field-set.js';
import type { ManagerFields, WriteIdentity } from '../../patch/managed-fields.js';
import { readManagedFields, recordUpdate, writeManagedFields } from '../../patch/managed-fields.js';
import type { ResourceRegistry, ResolvedResource } from '../registry.js';
import type { ResourceType } from '../resource-type.js';
import { apiVersionOf, resourceKey } from '../resource-type.js';
import type { RequestContext } from '../request-context.js';
import {
  ApiError,
  OBJECT_MODIFIED,
  forbidden,
  StatusReason,
  alreadyExists,
  conflict,
  notFound,
} from '../status-error.js';
import type { JsonObject, KubeObject } from '../types.js';
import { jsonEqual } from '../types.js';
import { toVersion } from '../object-codec.js';
import { generateNameSuffix } from '../names.js';
import type { ListOptions } from './list-options.js';
import { paginate, resolveListStart } from './paginate.js';
import {
  applyDefaults,
  checkTypeMeta,
  handleUnknownFields,
  meaningfullyEqual,
  missingResourceVersion,
  namespaceTerminating,
  specChanged,
  tracksGeneration,
  validateOrThrow,
} from './prepare-write.js';

/** How a write is recorded in managedFields. */
export interface WriteMode {
  subresource: '' | 'status';
  /** Set by server-side apply, which computes ownership itself. */
  managers?: ManagerFields[];
  operation?: 'Apply' | 'Update';
}

/** Options of a delete (metav1.DeleteOptions, the parts kube-sim honours). */
export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  dryRun?: boolean;
}

/** Result of a write: the object as stored (in the request version) and whether it is new. */
export interface WriteResult {
  object: KubeObject;
  created: boolean;
}

/** Finalizers the garbage collector acts on (metav1.FinalizerOrphanDependents / DeleteDependents). */
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** Namespaces the NamespaceLifecycle admission plugin refuses to delete (plugin/pkg/admission/namespace/lifecycle). */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/**
 * The generic registry store of kube-apiserver (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go)
 * for every resource: create/get/list/update/delete with optimistic concurrency, generateName,
 * finalizers and deletionTimestamp, system metadata, defaulting, validation, managedFields.
 */
export class ResourceService {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Timestamp in the RFC 3339 second precision metav1.Time uses. */
  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  private key(type: ResourceType): string {
    return resourceKey(type.group, type.plural);
  }

  /** Read the stored object or throw 404. */
  getStored(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(this.key(type), type.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound({ group: type.group, resource: type.plural, name });
    return obj;
  }

  /** GET one object in the requested version. */
  get(rr: ResolvedResource, namespace: string | undefined, name: string): KubeObject {
    return toVersion(this.getStored(rr.type, namespace, name), rr.type, rr.version, this.registry.resolveRef);
  }

  /** LIST with selectors and pagination; returns items and the list metadata. */
  list(
    rr: ResolvedResource,
    namespace: string | undefined,
    options: ListOptions,
  ): { items: KubeObject[]; metadata: JsonObject } {
    const { type } = rr;
    const from = resolveListStart(options, this.store.currentRevision, this.store.oldestResumableRevision);
    const matching = this.store
      .list(this.key(type), type.namespaced ? namespace : undefined)
      .filter((o) => this.matches(type, o, options));
    const { items, metadata } = paginate(matching, from, options.limit);
    return { items: items.map((o) => toVersion(o, type, rr.version, this.registry.resolveRef)), metadata };
  }

  /** Does a stored object pass the label and field selectors? */
  matches(
    type: ResourceType,
    obj: KubeObject,
    options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
  ): boolean {
    return (
      matchesLabels(options.labelSelector, obj.metadata.labels) &&
      matchesFields(options.fieldSelector, selectableFields(type.group, type.kind, obj))
    );
  }

  /** POST: create a new object. */
  create(
    rr: ResolvedResource,
    namespace: string | undefined,
    body: KubeObject,
    ctx: RequestContext,
    mode: WriteMode = { subresource: '' },
  ): WriteResult {
    const { type, version } = rr;
    checkTypeMeta(body, type, version);
    const obj = structuredClone(body);
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (type.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw new ApiError(
          400,
          StatusReason.BadRequest,
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
    }
    if (type.namespaced) this.admitNamespace(type, obj);
    ctx.warnings.push(
      ...handleUnknownFields(obj, type, version, ctx.fieldValidation, this.registry.resolveRef),
    );
    type.strategy.normalize?.(obj);
    if (type.hasStatus && type.custom) delete obj.status;
    applyDefaults(obj, type, version, this.registry.resolveRef);
    const meta = obj.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.selfLink;
    if (tracksGeneration(type)) meta.generation = 1;
    else delete meta.generation;
    validateOrThrow(obj, type, version, undefined, this.registry.resolveRef);
    if (this.store.get(this.key(type), meta.namespace, meta.name ?? '')) {
      throw alreadyExists({ group: type.group, resource: type.plural, name: meta.name ?? '' });
    }
    obj.apiVersion = apiVersionOf(type.group, type.storageVersion);
    obj.kind = type.kind;
    this.recordManagedFields(obj, undefined, rr, ctx, mode);
    if (ctx.dryRun) return { object: toVersion(obj, type, version, this.registry.resolveRef), created: true };
    const stored = this.store.create(this.key(type), obj);
    return { object: toVersion(stored, type, version, this.registry.resolveRef), created: true };
  }

  /** PUT: replace an object (or its status). */
  update(
    rr: ResolvedResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    ctx: RequestContext,
    mode: WriteMode = { subresource: '' },
    requireResourceVersion = true,
  ): WriteResult {
    const { type, version } = rr;
    checkTypeMeta(body, type, version);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw new ApiError(
        400,
        StatusReason.BadRequest,
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.store.get(this.key(type), type.namespaced ? namespace : undefined, name);
    if (!existing && type.strategy.allowCreateOnUpdate && mode.subresource === '') {
      const fresh = structuredClone(body);
      fresh.metadata = { ...(fresh.metadata ?? {}), name };
      delete fresh.metadata.resourceVersion;
      return this.create(rr, namespace, fresh, ctx, mode);
    }
    const old = existing ?? this.getStored(type, namespace, name);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) {
      throw conflict({ group: type.group, resource: type.plural, name }, OBJECT_MODIFIED);
    }
    if (!rv && requireResourceVersion && type.custom) throw missingResourceVersion(type, name);
    let obj = structuredClone(body);
    obj.metadata = { ...(obj.metadata ?? {}) };
    ctx.warnings.push(
      ...handleUnknownFields(obj, type, version, ctx.fieldValidation, this.registry.resolveRef),
    );
    type.strategy.normalize?.(obj);
    if (mode.subresource === 'status') {
      const statusOnly = structuredClone(old);
      statusOnly.status = obj.status;
      if (obj.status === undefined) delete statusOnly.status;
      obj = statusOnly;
    } else if (type.hasStatus) {
      if (old.status === undefined) delete obj.status;
      else obj.status = structuredClone(old.status);
    }
    applyDefaults(obj, type, version, this.registry.resolveRef);
    const meta = obj.metadata;
    meta.name = name;
    meta.namespace = old.metadata.namespace;
    if (!type.namespaced) delete meta.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    else delete meta.generation;
    if (meta.generateName === undefined && old.metadata.generateName)
      meta.generateName = old.metadata.generateName;
    obj.apiVersion = apiVersionOf(type.group, type.storageVersion);
    obj.kind = type.kind;
    if (tracksGeneration(type) && specChanged(old, obj, type))
      meta.generation = (old.metadata.generation ?? 0) + 1;
    validateOrThrow(obj, type, version, old, this.registry.resolveRef);
    meta.resourceVersion = old.metadata.resourceVersion;
    this.recordManagedFields(obj, old, rr, ctx, mode);
    if (meaningfullyEqual(obj, old)) {
      return { object: toVersion(old, type, version, this.registry.resolveRef), created: false };
    }
    if (ctx.dryRun)
      return { object: toVersion(obj, type, version, this.registry.resolveRef), created: false };
    const stored = this.store.update(this.key(type), obj);
    if (
      stored.metadata.deletionTimestamp &&
      (stored.metadata.finalizers ?? []).length === 0 &&
      !this.isNamespace(type)
    ) {
      this.store.delete(this.key(type), stored.metadata.namespace, name);
    }
    return { object: toVersion(stored, type, version, this.registry.resolveRef), created: false };
  }

  /** DELETE one object: mark it when finalizers remain, remove it otherwise. */
  delete(
    rr: ResolvedResource,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): { object: KubeObject; removed: boolean } {
    const { type, version } = rr;
    const target = { group: type.group, resource: type.plural, name };
    const old = this.getStored(type, namespace, name);
    if (this.isNamespace(type) && IMMORTAL_NAMESPACES.has(name)) {
      throw forbidden(target, 'this namespace may not be deleted');
    }
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        target,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        target,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
      );
    }
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (!old.metadata.deletionTimestamp) {
      if (options.propagationPolicy === 'Orphan' && !finalizers.includes(FINALIZER_ORPHAN))
        finalizers.push(FINALIZER_ORPHAN);
      if (options.propagationPolicy === 'Foreground' && !finalizers.includes(FINALIZER_FOREGROUND))
        finalizers.push(FINALIZER_FOREGROUND);
    }
    if (finalizers.length > 0 || this.isNamespace(type)) {
      if (old.metadata.deletionTimestamp)
        return { object: toVersion(old, type, version, this.registry.resolveRef), removed: false };
      const marked = structuredClone(old);
      marked.metadata.deletionTimestamp = this.timestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
      if (finalizers.length > 0) marked.metadata.finalizers = finalizers;
      if (marked.metadata.generation !== undefined) marked.metadata.generation += 1;
      if (this.isNamespace(type))
        marked.status = { ...(typeof marked.status === 'object' ? marked.status : {}), phase: 'Terminating' };
      if (options.dryRun)
        return { object: toVersion(marked, type, version, this.registry.resolveRef), removed: false };
      const stored = this.store.update(this.key(type), marked);
      return { object: toVersion(stored, type, version, this.registry.resolveRef), removed: false };
    }
    if (options.dryRun)
      return { object: toVersion(old, type, version, this.registry.resolveRef), removed: true };
    const gone = this.store.delete(this.key(type), type.namespaced ? namespace : undefined, name) ?? old;
    return { object: toVersion(gone, type, version, this.registry.resolveRef), removed: true };
  }

  /** Remove an object unconditionally (controllers: namespace cleanup, GC, CRD cleanup). */
  purge(type: ResourceType, namespace: string | undefined, name: string): void {
    this.store.delete(this.key(type), type.namespaced ? namespace : undefined, name);
  }

  private isNamespace(type: ResourceType): boolean {
    return type.group === '' && type.plural === 'namespaces';
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
  private admitNamespace(type: ResourceType, obj: KubeObject): void {
    const nsName = obj.metadata.namespace;
    if (!nsName) {
      throw new ApiError(400, StatusReason.BadRequest, 'an empty namespace may not be set during creation');
    }
    const ns = this.store.get(resourceKey('', 'namespaces'), undefined, nsName);
    if (!ns) throw notFound({ group: '', resource: 'namespaces', name: nsName });
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
      throw namespaceTerminating(type, obj.metadata.name ?? '', nsName);
    }
  }

  private recordManagedFields(
    obj: KubeObject,
    old: KubeObject | undefined,
    rr: ResolvedResource,
    ctx: RequestContext,
    mode: WriteMode,
  ): void {
    const { type, version } = rr;
    if (mode.managers) {
      writeManagedFields(obj, mode.managers);
      return;
    }
    // A client that changes managedFields itself (kubectl's client-side to server-side apply
    // migration, or `managedFields: []` to reset) has its version kept
    // (staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/managedfieldsupdater.go).
    const sent = obj.metadata.managedFields;
    if (old && sent !== undefined && !jsonEqual(sent, old.metadata.managedFields ?? [])) {
      if (!Array.isArray(sent) || sent.length === 0) {
        delete obj.metadata.managedFields;
        return;
      }
      old = { ...old, metadata: { ...old.metadata, managedFields: sent } };
    }
    if (!ctx.fieldManager) {
      if (old) obj.metadata.managedFields = old.metadata.managedFields;
      return;
    }
    const scope = mode.subresource === 'status' ? 'status-only' : type.hasStatus ? 'no-status' : 'all';
    const resolve = this.registry.resolveRef;
    const before = old ? fieldSetOf(old, version.schema, resolve, { scope }) : new Map<string, string>();
    const after = fieldSetOf(obj, version.schema, resolve, { scope });
    const id: WriteIdentity = {
      manager: ctx.fieldManager,
      operation: mode.operation ?? 'Update',
      apiVersion: apiVersionOf(type.group, version.name),
      subresource: mode.subresource,
      now: this.timestamp(),
    };
    const managers = recordUpdate(old ? readManagedFields(old) : [], before, after, id);
    writeManagedFields(obj, managers);
  }
}
