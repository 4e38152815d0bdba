import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedResource } from '../../api/registry.js';
import { apiVersionOf } from '../../api/resource-type.js';
import type { RequestContext } from '../../api/request-context.js';
import { managerFromUserAgent } from '../../api/request-context.js';
import { patchObject } from '../../api/service/patch-service.js';
import type { DeleteOptions } from '../../api/service/resource-service.js';
import {
  ApiError,
  StatusReason,
  badRequest,
  methodNotSupported,
  pathNotFound,
} from '../../api/status-error.js';
import type { JsonObject } from '../../api/types.js';
import { isJsonObject } from '../../api/types.js';
import type { UserInfo } from '../../auth/authenticator.js';
import { toTable } from '../../table/table.js';
import { readBody, readRawBody, sendJson, wantsTable } from '../http-io.js';
import type { RequestInfo } from '../request-info.js';
import type { ServerContext } from '../server-context.js';
import { decodeObject } from './body.js';
import { parseDryRun, parseFieldValidation, parseIncludeObject, parseListOptions } from './query-options.js';
import { handleReview } from './reviews.js';
import { createTokenRequest } from './token-request.js';
import { serveWatch, validateWatchList } from './watch.js';

function requestContext(req: IncomingMessage, query: URLSearchParams, user: UserInfo): RequestContext {
  const fm = query.get('fieldManager');
  if (fm !== null && fm.length > 128)
    throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return {
    user,
    fieldManager: fm ?? managerFromUserAgent(req.headers['user-agent']),
    fieldValidation: parseFieldValidation(query),
    dryRun: parseDryRun(query),
    warnings: [],
  };
}

function parseDeleteOptions(
  raw: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): DeleteOptions {
  const opts: DeleteOptions = { dryRun: parseDryRun(query) };
  const body: JsonObject =
    raw.length > 0 && raw.toString('utf8').trim() ? decodeObject(raw, contentType) : {};
  const policy =
    (typeof body.propagationPolicy === 'string' ? body.propagationPolicy : null) ??
    query.get('propagationPolicy');
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground')
    opts.propagationPolicy = policy;
  else if (policy)
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}"`,
    );
  if (body.orphanDependents === true) opts.propagationPolicy = 'Orphan';
  if (isJsonObject(body.preconditions)) {
    const p = body.preconditions;
    opts.preconditions = {
      ...(typeof p.uid === 'string' ? { uid: p.uid } : {}),
      ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}),
    };
  }
  if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) opts.dryRun = true;
  return opts;
}

/** Resolve the resource of a request, or 404 as the real mux does for unknown paths. */
export function resolveResource(ctx: ServerContext, info: RequestInfo): ResolvedResource {
  const rr = ctx.registry.resolve(info.group, info.version, info.resource);
  if (!rr) throw pathNotFound();
  if (!rr.type.namespaced && info.namespace && !(info.group === '' && info.resource === 'namespaces'))
    throw pathNotFound();
  const sub = info.subresource;
  if (
    sub &&
    !(sub === 'status' && rr.type.hasStatus) &&
    !rr.type.extraSubresources.some((s) => s.name === sub)
  )
    throw pathNotFound();
  return rr;
}

/** Serve a resource request (CRUD, patch, watch, subresources). */
export async function handleResource(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  query: URLSearchParams,
  user: UserInfo,
): Promise<void> {
  const rr = resolveResource(ctx, info);
  const { type, version } = rr;
  const ns = type.namespaced ? info.namespace || undefined : undefined;
  const name =
    info.group === '' && info.resource === 'namespaces' && !info.name ? info.namespace || '' : info.name;
  const accept = req.headers.accept;
  const verb = info.verb;
  if (
    !type.verbs.includes(verb === 'watch' ? 'watch' : verb) &&
    !(info.subresource && ['get', 'update', 'patch', 'create'].includes(verb))
  ) {
    throw methodNotSupported({ group: type.group, resource: type.plural }, verb);
  }
  if (type.terminating && verb === 'create') {
    throw methodNotSupported({ group: type.group, resource: type.plural }, verb);
  }
  if (type.virtual) {
    await handleReview(ctx, req, res, info, user);
    return;
  }
  if (info.subresource === 'token') {
    if (verb !== 'create' || !ns)
      throw methodNotSupported({ group: type.group, resource: `${type.plural}/token` }, verb);
    const body = decodeObject(await readRawBody(req), req.headers['content-type']);
    const tokenWarnings: string[] = [];
    const tokenRequest = await createTokenRequest(ctx, rr, ns, name, body, tokenWarnings);
    sendJson(res, 201, tokenRequest, 'application/json', tokenWarnings);
    return;
  }
  const subresource = info.subresource === 'status' ? 'status' : '';
  switch (verb) {
    case 'get': {
      const obj = ctx.service.get(rr, ns, name);
      if (wantsTable(accept))
        sendJson(
          res,
          200,
          toTable(
            type,
            version,
            [obj],
            { resourceVersion: obj.metadata.resourceVersion ?? '' },
            parseIncludeObject(query),
          ),
        );
      else sendJson(res, 200, obj);
      return;
    }
    case 'list': {
      const options = parseListOptions(query, type, version.name, '');
      const { items, metadata } = ctx.service.list(
        rr,
        type.namespaced ? info.namespace || undefined : undefined,
        options,
      );
      if (wantsTable(accept))
        sendJson(res, 200, toTable(type, version, items, metadata, parseIncludeObject(query)));
      else
        sendJson(res, 200, {
          kind: type.listKind,
          apiVersion: apiVersionOf(type.group, version.name),
          metadata,
          items,
        });
      return;
    }
    case 'watch': {
      const options = parseListOptions(query, type, version.name, info.name);
      const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
      const sie = query.get('sendInitialEvents');
      const sendInitialEvents = sie === null ? undefined : sie === 'true';
      validateWatchList(sendInitialEvents, options, allowBookmarks);
      const t = query.get('timeoutSeconds');
      serveWatch(ctx, res, {
        rr,
        namespace: type.namespaced ? info.namespace || undefined : undefined,
        options,
        allowBookmarks,
        sendInitialEvents: sendInitialEvents === true,
        timeoutSeconds: t ? Number(t) : undefined,
        table: wantsTable(accept) ? parseIncludeObject(query) : undefined,
      });
      return;
    }
    case 'create': {
      const rctx = requestContext(req, query, user);
      const body = decodeObject(await readRawBody(req), req.headers['content-type']);
      const result = ctx.service.create(
        rr,
        ns ?? (type.namespaced ? body.metadata.namespace : undefined),
        body,
        rctx,
      );
      sendJson(res, 201, result.object, 'application/json', rctx.warnings);
      return;
    }
    case 'update': {
      const rctx = requestContext(req, query, user);
      const body = decodeObject(await readRawBody(req), req.headers['content-type']);
      const result = ctx.service.update(rr, ns, name, body, rctx, { subresource });
      sendJson(res, 200, result.object, 'application/json', rctx.warnings);
      return;
    }
    case 'patch': {
      const rctx = requestContext(req, query, user);
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const result = patchObject(
        ctx.service,
        rr,
        ns,
        name,
        contentType,
        await readBody(req),
        rctx,
        subresource,
        query.get('force') === 'true',
      );
      sendJson(res, result.created ? 201 : 200, result.object, 'application/json', rctx.warnings);
      return;
    }
    case 'delete': {
      const opts = parseDeleteOptions(await readRawBody(req), req.headers['content-type'], query);
      const { object, removed } = ctx.service.delete(rr, ns, name, opts);
      if (removed && !type.custom) {
        sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: type.group, kind: type.plural, uid: object.metadata.uid ?? '' },
        });
      } else sendJson(res, removed ? 200 : 200, object);
      return;
    }
    case 'deletecollection': {
      const opts = parseDeleteOptions(await readRawBody(req), req.headers['content-type'], query);
      const options = parseListOptions(query, type, version.name, '');
      const { items } = ctx.service.list(rr, ns, options);
      const deleted = items.map(
        (o) => ctx.service.delete(rr, o.metadata.namespace, o.metadata.name ?? '', opts).object,
      );
      sendJson(res, 200, {
        kind: type.listKind,
        apiVersion: apiVersionOf(type.group, version.name),
        metadata: { resourceVersion: String(ctx.store.currentRevision) },
        items: deleted,
      });
      return;
    }
    default:
      throw new ApiError(405, StatusReason.MethodNotAllowed, `${verb} is not supported`);
  }
}
