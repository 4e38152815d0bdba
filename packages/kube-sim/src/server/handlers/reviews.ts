import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, StatusReason } from '../../api/status-error.js';
import type { JsonObject } from '../../api/types.js';
import { isJsonObject } from '../../api/types.js';
import type { UserInfo } from '../../auth/authenticator.js';
import { readRawBody, sendJson } from '../http-io.js';
import type { RequestInfo } from '../request-info.js';
import type { ServerContext } from '../server-context.js';
import { decodeObject } from './body.js';

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * SubjectAccessReview / SelfSubjectAccessReview (pkg/registry/authorization): ask the
 * authorizer. Without RBAC enforcement every authenticated request is allowed, as with
 * kube-apiserver's AlwaysAllow mode.
 */
function accessReview(ctx: ServerContext, body: JsonObject, caller: UserInfo, self: boolean): JsonObject {
  const spec = isJsonObject(body.spec) ? body.spec : {};
  const user: UserInfo = self
    ? caller
    : {
        username: text(spec.user),
        groups: strings(spec.groups) ?? [],
        ...(typeof spec.uid === 'string' ? { uid: spec.uid } : {}),
      };
  const ra = isJsonObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isJsonObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (!ra && !nra) {
    const kind = self ? 'SelfSubjectAccessReview' : 'SubjectAccessReview';
    throw new ApiError(
      422,
      StatusReason.Invalid,
      `${kind}.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      {
        group: 'authorization.k8s.io',
        kind,
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.resourceAttributes',
            message:
              'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
          },
        ],
      },
    );
  }
  const attrs = {
    user,
    verb: text(ra ? ra.verb : nra?.verb),
    apiGroup: text(ra?.group),
    resource: text(ra?.resource),
    subresource: text(ra?.subresource),
    namespace: text(ra?.namespace),
    name: text(ra?.name),
    resourceRequest: ra !== undefined,
    path: text(nra?.path),
  };
  if (!ctx.authorizer || user.groups.includes('system:masters')) {
    return { allowed: true, reason: ctx.authorizer ? '' : 'kube-sim: RBAC not enforced' };
  }
  const d = ctx.authorizer.authorize(attrs);
  return d.allowed
    ? { allowed: true, reason: d.reason }
    : { allowed: false, ...(d.reason ? { reason: d.reason } : {}) };
}

/** The create-only review resources of authentication.k8s.io and authorization.k8s.io. */
export async function handleReview(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  user: UserInfo,
): Promise<void> {
  const body = decodeObject(await readRawBody(req), req.headers['content-type']);
  const base = {
    apiVersion: `${info.group}/${info.version}`,
    metadata: { creationTimestamp: null, ...(body.metadata ?? {}) },
  };
  if (info.resource === 'tokenreviews') {
    const spec = isJsonObject(body.spec) ? body.spec : {};
    const token = typeof spec.token === 'string' ? spec.token : '';
    if (!token) {
      throw new ApiError(
        422,
        StatusReason.Invalid,
        'TokenReview.authentication.k8s.io "" is invalid: spec.token: Required value',
        {
          group: 'authentication.k8s.io',
          kind: 'TokenReview',
          causes: [{ reason: 'FieldValueRequired', field: 'spec.token', message: 'Required value' }],
        },
      );
    }
    const audiences = Array.isArray(spec.audiences)
      ? spec.audiences.filter((a): a is string => typeof a === 'string')
      : undefined;
    const status = await ctx.authenticator.review(token, audiences);
    sendJson(res, 201, {
      kind: 'TokenReview',
      ...base,
      spec: { token, ...(audiences ? { audiences } : {}) },
      status: status as unknown as JsonObject,
    });
    return;
  }
  if (info.resource === 'selfsubjectaccessreviews' || info.resource === 'subjectaccessreviews') {
    const self = info.resource === 'selfsubjectaccessreviews';
    const status = accessReview(ctx, body, user, self);
    sendJson(res, 201, {
      kind: self ? 'SelfSubjectAccessReview' : 'SubjectAccessReview',
      ...base,
      spec: body.spec ?? {},
      status,
    });
    return;
  }
  const userInfo: JsonObject = { username: user.username, groups: [...user.groups] };
  if (user.uid) userInfo.uid = user.uid;
  if (user.extra) userInfo.extra = user.extra;
  sendJson(res, 201, { kind: 'SelfSubjectReview', ...base, status: { userInfo } });
}
