import type { ServerResponse } from 'node:http';
import type { ResolvedResource } from '../../api/registry.js';
import { resourceKey } from '../../api/resource-type.js';
import { toVersion } from '../../api/object-codec.js';
import type { ListOptions } from '../../api/service/list-options.js';
import { ApiError, StatusReason } from '../../api/status-error.js';
import type { JsonObject, KubeObject } from '../../api/types.js';
import type { StoreEvent } from '../../store/object-store.js';
import { toTable } from '../../table/table.js';
import type { IncludeObject } from '../../table/table.js';
import type { ServerContext } from '../server-context.js';

/** Parameters of a watch request. */
export interface WatchRequest {
  rr: ResolvedResource;
  namespace: string | undefined;
  options: ListOptions;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  table: IncludeObject | undefined;
}

/** Annotation on the bookmark that ends the initial events (metav1.InitialEventsAnnotationKey). */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Validate the watch-list parameters as apimachinery/pkg/apis/meta/internalversion/validation does. */
export function validateWatchList(
  sendInitialEvents: boolean | undefined,
  options: ListOptions,
  allowBookmarks: boolean,
): void {
  if (sendInitialEvents === undefined) return;
  const causes = [];
  if (options.resourceVersionMatch !== 'NotOlderThan') {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'resourceVersionMatch',
      message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    });
  }
  if (!allowBookmarks) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'allowWatchBookmarks',
      message: 'Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true',
    });
  }
  if (causes.length > 0) {
    throw new ApiError(
      422,
      StatusReason.Invalid,
      `ListOptions.meta.k8s.io "" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { group: 'meta.k8s.io', kind: 'ListOptions', causes },
    );
  }
}

/**
 * Serve a watch (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go): a chunked stream
 * of JSON events. A too-old resourceVersion yields HTTP 200 and one ERROR event carrying a 410
 * Expired Status. Without a resourceVersion (or with "0") the current state comes first as ADDED
 * events; with sendInitialEvents=true it is followed by a BOOKMARK annotated
 * `k8s.io/initial-events-end: "true"`.
 */
export function serveWatch(ctx: ServerContext, res: ServerResponse, w: WatchRequest): void {
  const { rr, namespace, options } = w;
  const { type, version } = rr;
  const key = resourceKey(type.group, type.plural);
  const resolve = ctx.registry.resolveRef;
  const inScope = (o: KubeObject): boolean =>
    !type.namespaced || !namespace || o.metadata.namespace === namespace;
  const visible = (o: KubeObject | undefined): boolean =>
    o !== undefined && inScope(o) && ctx.service.matches(type, o, options);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  let closed = false;
  const write = (eventType: string, object: JsonObject): void => {
    if (closed) return;
    let payload = object;
    if (w.table && eventType !== 'ERROR' && eventType !== 'BOOKMARK') {
      payload = toTable(type, version, [object as KubeObject], {}, w.table);
    }
    res.write(`${JSON.stringify({ type: eventType, object: payload })}\n`);
  };
  const bookmark = (rv: number, annotations?: Record<string, string>): void => {
    const apiVersion = type.group ? `${type.group}/${version.name}` : version.name;
    write('BOOKMARK', {
      kind: type.kind,
      apiVersion,
      metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) },
    });
  };
  const send = (e: StoreEvent): void => {
    const nowVisible = e.type !== 'DELETED' && visible(e.object);
    const wasVisible = e.type === 'MODIFIED' && visible(e.previous);
    const obj = toVersion(e.object, type, version, resolve);
    if (e.type === 'ADDED' && nowVisible) write('ADDED', obj);
    else if (e.type === 'DELETED' && visible(e.object)) write('DELETED', obj);
    else if (e.type === 'MODIFIED') {
      if (nowVisible && wasVisible) write('MODIFIED', obj);
      else if (nowVisible) write('ADDED', obj);
      else if (wasVisible) write('DELETED', obj);
    }
  };

  const rvParam = options.resourceVersion;
  const pending: StoreEvent[] = [];
  let live = false;
  const unsubscribe = ctx.store.subscribe((e) => {
    if (e.key !== key) return;
    if (live) send(e);
    else pending.push(e);
  });
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    unregister();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    res.end();
  };
  const unregister = ctx.watches.add(res, close);
  res.on('close', close);
  const bookmarkTimer = setInterval(() => {
    if (w.allowBookmarks) bookmark(ctx.store.currentRevision);
  }, ctx.bookmarkIntervalMs);
  bookmarkTimer.unref();
  const timeoutTimer = setTimeout(close, (w.timeoutSeconds ?? 1800) * 1000);
  timeoutTimer.unref();

  if (w.sendInitialEvents || !rvParam || rvParam === '0') {
    const startRevision = ctx.store.currentRevision;
    for (const obj of ctx.store.list(key, type.namespaced ? namespace : undefined)) {
      if (visible(obj)) write('ADDED', toVersion(obj, type, version, resolve));
    }
    if (w.sendInitialEvents) bookmark(startRevision, { [INITIAL_EVENTS_END]: 'true' });
  } else {
    const since = Number(rvParam);
    const past = Number.isFinite(since) ? ctx.store.eventsSince(key, since) : undefined;
    if (!past) {
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rvParam} (${ctx.store.oldestResumableRevision + 1})`,
        reason: 'Expired',
        code: 410,
      });
      close();
      return;
    }
    for (const e of past) send(e);
  }
  live = true;
  for (const e of pending) send(e);
}
