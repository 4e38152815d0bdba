import { parse as parseYaml } from 'yaml';
import { applyJsonPatch, JsonPatchError } from '../../patch/json-patch.js';
import { applyMergePatch } from '../../patch/merge-patch.js';
import { applyStrategicMergePatch, StrategicMergeError } from '../../patch/strategic-merge.js';
import { fieldSetOf } from '../../patch/field-set.js';
import { readManagedFields } from '../../patch/managed-fields.js';
import { conflictMessage, serverSideApply } from '../../patch/server-side-apply.js';
import { pruneUnknownFields } from '../../schema/prune.js';
import type { ResolvedResource } from '../registry.js';
import { apiVersionOf } from '../resource-type.js';
import type { RequestContext } from '../request-context.js';
import { ApiError, StatusReason, badRequest, invalid } from '../status-error.js';
import type { Json, KubeObject } from '../types.js';
import { isJsonObject } from '../types.js';
import type { ResourceService, WriteMode, WriteResult } from './resource-service.js';

/** Patch content types (types.PatchType). */
export const PatchType = {
  Json: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  Strategic: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
  ApplyCbor: 'application/apply-patch+cbor',
} as const;
/** One of {@link PatchType}. */
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

function parseBody(text: string, yaml: boolean): Json {
  try {
    return (yaml ? parseYaml(text) : JSON.parse(text)) as Json;
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/**
 * PATCH (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go): JSON patch, merge patch,
 * strategic merge patch (built-ins only: 415 on custom resources) and server-side apply.
 */
export function patchObject(
  service: ResourceService,
  rr: ResolvedResource,
  namespace: string | undefined,
  name: string,
  patchType: string,
  rawBody: string,
  ctx: RequestContext,
  subresource: '' | 'status',
  force: boolean,
): WriteResult {
  const { type } = rr;
  const supported: string[] = [PatchType.Json, PatchType.Merge, PatchType.Apply];
  if (!type.custom) supported.push(PatchType.Strategic);
  if (!supported.includes(patchType)) {
    throw new ApiError(
      415,
      StatusReason.UnsupportedMediaType,
      `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
    );
  }
  if (patchType === PatchType.Apply)
    return apply(service, rr, namespace, name, rawBody, ctx, subresource, force);
  const current = service.get(rr, namespace, name);
  const patch = parseBody(rawBody, false);
  let patched: Json;
  try {
    if (patchType === PatchType.Json) patched = applyJsonPatch(current, patch);
    else if (patchType === PatchType.Merge) patched = applyMergePatch(current, patch);
    else {
      if (!isJsonObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
      patched = applyStrategicMergePatch(current, patch, rr.version.schema, service.registry.resolveRef);
    }
  } catch (e) {
    if (e instanceof JsonPatchError) {
      if (e.malformed) throw badRequest(e.message);
      throw new ApiError(422, StatusReason.Invalid, e.message);
    }
    if (e instanceof StrategicMergeError) throw badRequest(e.message);
    throw e;
  }
  if (!isJsonObject(patched)) throw badRequest('patch did not produce an object');
  const obj = patched as KubeObject;
  // A patch never fails on a stale resourceVersion unless it sets one itself (patch.go).
  const patchedRv =
    isJsonObject(patch) && isJsonObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
  if (typeof patchedRv !== 'string') obj.metadata.resourceVersion = current.metadata.resourceVersion;
  return service.update(rr, namespace, name, obj, ctx, { subresource }, false);
}

function apply(
  service: ResourceService,
  rr: ResolvedResource,
  namespace: string | undefined,
  name: string,
  rawBody: string,
  ctx: RequestContext,
  subresource: '' | 'status',
  force: boolean,
): WriteResult {
  const { type, version } = rr;
  if (!ctx.fieldManager) {
    throw badRequest('PATCH, fieldManager is required for apply requests');
  }
  const body = parseBody(rawBody, true);
  if (!isJsonObject(body)) throw badRequest('error decoding YAML: apply patch must be an object');
  const applied = body as KubeObject;
  const expectedVersion = apiVersionOf(type.group, version.name);
  if (applied.apiVersion !== expectedVersion || applied.kind !== type.kind) {
    throw badRequest(
      `invalid object type: ${String(applied.kind)} ${String(applied.apiVersion)}, expected ${expectedVersion}, Kind=${type.kind}`,
    );
  }
  applied.metadata = isJsonObject(applied.metadata) ? applied.metadata : {};
  if (applied.metadata.name && applied.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (!type.custom) type.strategy.normalize?.(applied);
  const unknown = version.schema
    ? pruneUnknownFields(applied, version.schema, service.registry.resolveRef)
    : [];
  if (unknown.length > 0 && ctx.fieldValidation === 'Strict') {
    throw badRequest(`.${unknown[0] ?? ''}: field not declared in schema`);
  }
  const resolve = service.registry.resolveRef;
  const existing = service.store.get(
    `${type.group}/${type.plural}`,
    type.namespaced ? namespace : undefined,
    name,
  );
  const live: KubeObject = existing
    ? service.get(rr, namespace, name)
    : {
        apiVersion: expectedVersion,
        kind: type.kind,
        metadata: { name, ...(type.namespaced && namespace ? { namespace } : {}) },
      };
  const scope = subresource === 'status' ? 'status-only' : type.hasStatus ? 'no-status' : 'all';
  const liveFields = fieldSetOf(live, version.schema, resolve, { scope });
  const params = {
    live,
    liveFields,
    applied,
    appliedFields: fieldSetOf(applied, version.schema, resolve, { scope }),
    managers: readManagedFields(live),
    id: {
      manager: ctx.fieldManager,
      operation: 'Apply' as const,
      apiVersion: expectedVersion,
      subresource,
      now: service.timestamp(),
    },
    force,
    schema: version.schema,
    resolve,
  };
  let outcome = serverSideApply(params);
  if (!outcome.ok && ctx.fieldManager === 'kubectl') {
    // lastappliedmanager.go: for manager "kubectl", conflicts on fields that the client-side
    // apply annotation still holds with their live value are the user's own and are forced.
    const allowed = unchangedSinceLastApplied(live, liveFields, version.schema, resolve, scope);
    if (outcome.conflicts.every((c) => allowed.has(c.path)))
      outcome = serverSideApply({ ...params, force: true });
  }
  if (!outcome.ok) {
    const { message, causes } = conflictMessage(outcome.conflicts);
    throw new ApiError(409, StatusReason.Conflict, message, { causes });
  }
  const merged = outcome.object as KubeObject;
  if (ctx.fieldManager === 'kubectl' && live.metadata.annotations?.[LAST_APPLIED] !== undefined) {
    // lastappliedupdater.go: kubectl's server-side apply keeps the client-side annotation current.
    const snapshot = structuredClone(applied);
    if (snapshot.metadata.annotations) delete snapshot.metadata.annotations[LAST_APPLIED];
    merged.metadata.annotations = {
      ...(merged.metadata.annotations ?? {}),
      [LAST_APPLIED]: `${JSON.stringify(snapshot)}\n`,
    };
  }
  const mode: WriteMode = { subresource, managers: outcome.managers, operation: 'Apply' };
  if (!existing) {
    if (subresource === 'status') throw invalid(type.group, type.kind, name, []);
    delete merged.metadata.resourceVersion;
    return service.create(rr, namespace, merged, ctx, mode);
  }
  merged.metadata.resourceVersion = live.metadata.resourceVersion;
  return service.update(rr, namespace, name, merged, ctx, mode, false);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Fields of the last-applied annotation whose value is still the live one. */
function unchangedSinceLastApplied(
  live: KubeObject,
  liveFields: Map<string, string>,
  schema: ResolvedResource['version']['schema'],
  resolve: ResourceService['registry']['resolveRef'],
  scope: 'all' | 'no-status' | 'status-only',
): Set<string> {
  const raw = live.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return new Set();
  }
  if (!isJsonObject(parsed)) return new Set();
  const lastApplied = fieldSetOf(parsed, schema, resolve, { scope });
  return new Set(
    [...lastApplied].filter(([path, value]) => liveFields.get(path) === value).map(([path]) => path),
  );
}
