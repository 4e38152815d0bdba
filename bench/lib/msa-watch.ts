import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { ClusterAccess } from '../../scripts/lib/kube.js';
import { kubeRequest } from '../../scripts/lib/kube.js';

/** The MSA fields the benchmark reads from watch events. */
interface WatchedMsa {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  status?: { conditions?: { type?: string; status?: string }[] };
}

interface WatchEvent {
  type?: string;
  object?: WatchedMsa & { code?: number };
}

/** Options of {@link watchTokenReported}. */
export interface TokenReportedWatchOptions {
  hub: ClusterAccess;
  /** `/apis/<group>/<version>/managedserviceaccounts` (all namespaces). */
  collectionPath: string;
  /** Only MSAs of this run. */
  labelSelector: string;
  /** Called once per MSA, the first time it is seen with `TokenReported=True` (performance.now() ms). */
  onReported: (key: string, atMs: number) => void;
  /** Problems that do not stop the watch (reconnects, 410 relists). */
  onNotice?: (message: string) => void;
}

/** A running watch. */
export interface TokenReportedWatch {
  /** Resolves once the initial list is done and the watch stream is open. */
  ready: Promise<void>;
  /** Number of times the watch was re-established (stream end, 410 Gone). */
  readonly restarts: number;
  /** MSAs seen reported through a relist rather than a watch event (their time is late). */
  readonly seenByRelist: number;
  stop(): void;
}

const isReported = (msa: WatchedMsa): boolean =>
  (msa.status?.conditions ?? []).some((c) => c.type === 'TokenReported' && c.status === 'True');

const keyOf = (msa: WatchedMsa): string => `${msa.metadata?.namespace ?? ''}/${msa.metadata?.name ?? ''}`;

/**
 * Watches the run's MSAs across all namespaces and reports the moment each one first carries
 * `TokenReported=True`. List then watch from the list's resourceVersion; when the stream ends or
 * the server answers 410 Gone it lists again (MSAs already reported in that list are stamped
 * with the relist time and counted in `seenByRelist`, because their exact moment was missed).
 */
export function watchTokenReported(opts: TokenReportedWatchOptions): TokenReportedWatch {
  const seen = new Set<string>();
  let stopped = false;
  let current: ClientRequest | undefined;
  let restarts = 0;
  let seenByRelist = 0;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  let readyDone = false;

  const mark = (msa: WatchedMsa, viaRelist: boolean): void => {
    if (!isReported(msa)) return;
    const key = keyOf(msa);
    if (seen.has(key)) return;
    seen.add(key);
    if (viaRelist) seenByRelist += 1;
    opts.onReported(key, performance.now());
  };

  const list = async (): Promise<string> => {
    const q = new URLSearchParams({ labelSelector: opts.labelSelector });
    const res = await kubeRequest(opts.hub, 'GET', `${opts.collectionPath}?${q.toString()}`);
    if (res.status !== 200) throw new Error(`list MSAs: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    const body = res.body as { metadata?: { resourceVersion?: string }; items?: WatchedMsa[] };
    for (const item of body.items ?? []) mark(item, readyDone);
    return body.metadata?.resourceVersion ?? '';
  };

  const watchFrom = (resourceVersion: string): void => {
    if (stopped) return;
    const q = new URLSearchParams({
      watch: 'true',
      labelSelector: opts.labelSelector,
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: '3600',
    });
    const url = new URL(`${opts.collectionPath}?${q.toString()}`, opts.hub.server);
    let lastRv = resourceVersion;
    let gone = false;
    const req = request(
      url,
      {
        method: 'GET',
        ca: opts.hub.caPem,
        headers: { authorization: `Bearer ${opts.hub.token}`, accept: 'application/json' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          const err = new Error(`watch MSAs: HTTP ${String(res.statusCode)}`);
          if (!readyDone) rejectReady(err);
          else opts.onNotice?.(err.message);
          return;
        }
        if (!readyDone) {
          readyDone = true;
          resolveReady();
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            nl = buffered.indexOf('\n');
            if (line === '') continue;
            let ev: WatchEvent;
            try {
              ev = JSON.parse(line) as WatchEvent;
            } catch {
              opts.onNotice?.('watch: unparsable event line');
              continue;
            }
            if (ev.type === 'ERROR') {
              gone = ev.object?.code === 410;
              continue;
            }
            const obj = ev.object;
            if (obj === undefined) continue;
            if (obj.metadata?.resourceVersion !== undefined) lastRv = obj.metadata.resourceVersion;
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') mark(obj, false);
          }
        });
        res.on('end', () => restart(gone ? undefined : lastRv));
        res.on('error', () => restart(undefined));
      },
    );
    req.on('error', (err) => {
      if (stopped) return;
      if (!readyDone) rejectReady(err);
      else restart(undefined);
    });
    req.end();
    current = req;
  };

  // `rv` undefined: relist first (410 Gone or a broken stream may have lost events).
  const restart = (rv: string | undefined): void => {
    if (stopped) return;
    restarts += 1;
    if (rv !== undefined) {
      watchFrom(rv);
      return;
    }
    opts.onNotice?.('watch: relisting after 410 Gone or a broken stream');
    list().then(watchFrom, (err: unknown) => {
      opts.onNotice?.(`watch: relist failed: ${err instanceof Error ? err.message : String(err)}`);
      setTimeout(() => restart(undefined), 500).unref();
    });
  };

  list().then(watchFrom, (err: unknown) => rejectReady(err instanceof Error ? err : new Error(String(err))));

  return {
    ready,
    get restarts() {
      return restarts;
    },
    get seenByRelist() {
      return seenByRelist;
    },
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}
