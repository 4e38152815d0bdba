import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, internalError, pathNotFound, unauthorized } from '../api/status-error.js';
import type { UserInfo } from '../auth/authenticator.js';
import { forbiddenStatus } from '../auth/rbac.js';
import {
  AGGREGATED_DISCOVERY_V2,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from '../discovery/discovery.js';
import { documentHash, openApiDocument, openApiIndex } from '../discovery/openapi.js';
import { ADMIN_PREFIX, handleAdmin } from './handlers/admin.js';
import { applyImpersonation } from './impersonation.js';
import { handleResource } from './handlers/resources.js';
import { sendError, sendJson } from './http-io.js';
import type { RequestInfo } from './request-info.js';
import { parseRequestInfo } from './request-info.js';
import type { ServerContext } from './server-context.js';

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1];
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function isMaster(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

/** Build the request listener of one simulated kube-apiserver. */
export function createRequestListener(
  ctx: ServerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(
        res,
        err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err)),
      );
    });
  };
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kube-sim');
  const path = url.pathname;
  const query = url.searchParams;
  const method = req.method ?? 'GET';
  if (path.startsWith(ADMIN_PREFIX)) {
    if (bearerOf(req) !== ctx.adminToken) throw unauthorized();
    await handleAdmin(ctx, req, res, path, query);
    return;
  }
  const info = parseRequestInfo(method, path, query);
  // Counted when it arrives, so a client that got its answer always finds it counted; the
  // status code is filled in once the response is finished.
  const counted = {
    method,
    path,
    verb: info.verb,
    resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
    code: 0,
  };
  ctx.counters.record(counted);
  res.on('finish', () => {
    counted.code = res.statusCode;
  });
  const bearer = bearerOf(req);
  let user: UserInfo | undefined;
  if (bearer !== undefined) {
    user = await ctx.authenticator.authenticate(bearer);
    if (!user) throw unauthorized();
  } else if (PUBLIC_PATHS.has(path)) {
    user = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  } else {
    throw unauthorized();
  }
  user = applyImpersonation(req, user, ctx.authorizer);
  const decision = ctx.faults.decide({ method, path, verb: info.verb });
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.error) throw decision.error;
  if (ctx.authorizer && !isMaster(user) && !PUBLIC_PATHS.has(path)) {
    const attrs = {
      user,
      verb: info.isResourceRequest ? info.verb : method.toLowerCase(),
      apiGroup: info.group,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
      resourceRequest: info.isResourceRequest,
      path,
    };
    const d = ctx.authorizer.authorize(attrs);
    if (!d.allowed) {
      sendJson(res, 403, forbiddenStatus(attrs, d.reason));
      return;
    }
  }
  if (info.isResourceRequest) {
    await handleResource(ctx, req, res, info, query, user);
    return;
  }
  serveNonResource(ctx, req, res, info, path);
}

function serveNonResource(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  path: string,
): void {
  const accept = req.headers.accept;
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    sendText(res, 200, 'ok');
    return;
  }
  if (path === '/version') {
    sendJson(res, 200, versionInfo());
    return;
  }
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '/api') {
    if (wantsAggregated(accept))
      sendJson(res, 200, aggregatedDiscovery(ctx.registry, true), AGGREGATED_DISCOVERY_V2);
    else sendJson(res, 200, apiVersions(ctx.serverAddress()));
    return;
  }
  if (trimmed === '/apis') {
    if (wantsAggregated(accept))
      sendJson(res, 200, aggregatedDiscovery(ctx.registry, false), AGGREGATED_DISCOVERY_V2);
    else sendJson(res, 200, apiGroupList(ctx.registry));
    return;
  }
  if (info.apiPrefix && info.version) {
    const list = apiResourceList(ctx.registry, info.group, info.version);
    if (list) {
      sendJson(res, 200, list);
      return;
    }
  }
  const groupOnly = /^\/apis\/([^/]+)$/.exec(trimmed);
  if (groupOnly?.[1]) {
    const g = ctx.registry.groups().find((x) => x.name === groupOnly[1]);
    if (g) {
      sendJson(res, 200, apiGroup(g.name, g.versions));
      return;
    }
  }
  if (trimmed === '/openapi/v3') {
    sendJson(res, 200, openApiIndex(ctx.registry));
    return;
  }
  const oa = /^\/openapi\/v3\/(api\/v1|apis\/([^/]+)\/([^/]+))$/.exec(trimmed);
  if (oa) {
    const doc =
      oa[1] === 'api/v1'
        ? openApiDocument(ctx.registry, '', 'v1')
        : openApiDocument(ctx.registry, oa[2] ?? '', oa[3] ?? '');
    if (doc) {
      res.setHeader('Etag', `"${documentHash(doc)}"`);
      sendJson(res, 200, doc);
      return;
    }
  }
  throw pathNotFound();
}
