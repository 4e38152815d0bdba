import type { ResolvedResource } from '../../api/registry.js';
import { ApiError, StatusReason, badRequest, invalid, notFound } from '../../api/status-error.js';
import type { JsonObject, KubeObject } from '../../api/types.js';
import { isJsonObject } from '../../api/types.js';
import { InvalidTokenRequestError } from '../../auth/token-issuer.js';
import type { BoundObjectReference } from '../../auth/token-issuer.js';
import type { ServerContext } from '../server-context.js';

const BINDABLE: Record<string, { group: string; plural: string }> = {
  Pod: { group: '', plural: 'pods' },
  Secret: { group: '', plural: 'secrets' },
  Node: { group: '', plural: 'nodes' },
};

/**
 * `POST .../serviceaccounts/<name>/token` (pkg/registry/core/serviceaccount/storage/token.go):
 * the SA must exist, the bound object must exist and match its uid, the issuer validates and
 * caps the lifetime; answers 201 with the TokenRequest and its status.
 */
export async function createTokenRequest(
  ctx: ServerContext,
  sa: ResolvedResource,
  namespace: string,
  name: string,
  body: KubeObject,
  warnings: string[] = [],
): Promise<JsonObject> {
  const account = ctx.service.getStored(sa.type, namespace, name);
  if (body.kind !== undefined && body.kind !== 'TokenRequest') {
    throw badRequest(
      `the object provided is unrecognized (must be of type TokenRequest): ${String(body.kind)}`,
    );
  }
  const spec = isJsonObject(body.spec) ? body.spec : {};
  const audiences = Array.isArray(spec.audiences)
    ? spec.audiences.filter((a): a is string => typeof a === 'string')
    : undefined;
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : undefined;
  let bound: BoundObjectReference | undefined;
  if (isJsonObject(spec.boundObjectRef)) {
    const ref = spec.boundObjectRef;
    const kind = typeof ref.kind === 'string' ? ref.kind : '';
    const target = BINDABLE[kind];
    const refName = typeof ref.name === 'string' ? ref.name : '';
    if (!target) {
      // token.go: errors.NewBadRequest("cannot bind token to object of type " + gvk.String()).
      const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
      const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
      throw badRequest(`cannot bind token to object of type ${gv}, Kind=${kind}`);
    }
    const obj = ctx.store.get(
      `${target.group}/${target.plural}`,
      kind === 'Node' ? undefined : namespace,
      refName,
    );
    if (!obj) throw notFound({ group: target.group, resource: target.plural, name: refName });
    const uid = typeof ref.uid === 'string' && ref.uid ? ref.uid : (obj.metadata.uid ?? '');
    if (uid !== obj.metadata.uid) {
      throw new ApiError(
        409,
        StatusReason.Conflict,
        `Operation cannot be fulfilled on ${kind} "${refName}": the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    bound = {
      kind,
      apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : 'v1',
      name: refName,
      uid,
    };
  }
  const requestedSeconds = expirationSeconds ?? 3600;
  if (
    ctx.issuer.maxSeconds !== undefined &&
    requestedSeconds >= ctx.issuer.minSeconds &&
    requestedSeconds > ctx.issuer.maxSeconds
  ) {
    // token.go warns when --service-account-max-token-expiration shortens a request.
    warnings.push(
      `requested expiration of ${requestedSeconds} seconds shortened to ${ctx.issuer.maxSeconds} seconds`,
    );
  }
  try {
    const created = await ctx.issuer.createToken({
      namespace,
      serviceAccountName: name,
      serviceAccountUid: account.metadata.uid ?? '',
      ...(expirationSeconds !== undefined ? { expirationSeconds } : {}),
      ...(audiences && audiences.length > 0 ? { audiences } : {}),
      ...(bound ? { boundObjectRef: bound } : {}),
    });
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: {
        audiences: created.audiences,
        expirationSeconds:
          ctx.issuer.maxSeconds !== undefined && (expirationSeconds ?? 3600) > ctx.issuer.maxSeconds
            ? ctx.issuer.maxSeconds
            : (expirationSeconds ?? 3600),
        boundObjectRef: bound
          ? { kind: bound.kind, apiVersion: bound.apiVersion ?? 'v1', name: bound.name, uid: bound.uid }
          : null,
      },
      status: { token: created.token, expirationTimestamp: created.expirationTimestamp },
    };
  } catch (e) {
    if (e instanceof InvalidTokenRequestError) {
      throw invalid(
        'authentication.k8s.io',
        'TokenRequest',
        name,
        e.errors.map((err) => ({ reason: err.type, field: err.field, message: err.causeMessage })),
      );
    }
    throw e;
  }
}
