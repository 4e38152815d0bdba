import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './kube-api-error.js';

/** Content types for PATCH requests. */
export const PatchType = {
  Merge: 'application/merge-patch+json',
  Json: 'application/json-patch+json',
  StrategicMerge: 'application/strategic-merge-patch+json',
} as const;
/** PATCH content type union. */
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/** Options of one request. */
export interface KubeRequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Milliseconds before the request is aborted; default 30 s. */
  timeoutMs?: number;
}

/** One event of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/** A running watch; `done` settles when the stream ends (resolve) or fails (reject). */
export interface WatchHandle {
  abort(): void;
  done: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
}

function parseStatus(text: string): StatusBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') return parsed;
  } catch {
    // not JSON: fall through to an empty Status
  }
  return {};
}

/**
 * A small JSON client for the Kubernetes REST API. We use our own instead of the typed
 * client-node APIs because those serialise through models that drop unknown keys
 * (ECOSYSTEM-NOTES: `x-kubernetes-preserve-unknown-fields`) and turn timestamps into Dates;
 * the hub writes exact documents. Authentication and TLS come from client-node's KubeConfig,
 * which also re-reads a rotated in-cluster token file.
 */
export class KubeRest {
  readonly kubeConfig: KubeConfig;
  private readonly server: URL;

  constructor(kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    this.kubeConfig = kubeConfig;
    this.server = new URL(cluster.server);
  }

  /** Base URL of the API server. */
  get serverUrl(): string {
    return this.server.toString().replace(/\/$/, '');
  }

  private async prepare(
    method: string,
    path: string,
    options: KubeRequestOptions,
  ): Promise<{ mod: typeof http | typeof https; opts: https.RequestOptions }> {
    const url = new URL(this.server.toString().replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { Accept: 'application/json' },
    };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    if (options.body !== undefined) {
      opts.headers = { ...opts.headers, 'Content-Type': options.contentType ?? 'application/json' };
    }
    return { mod: url.protocol === 'http:' ? http : https, opts };
  }

  /** Performs one request and returns the parsed JSON body; throws {@link KubeApiError} on non-2xx. */
  async request<T = unknown>(method: string, path: string, options: KubeRequestOptions = {}): Promise<T> {
    const { mod, opts } = await this.prepare(method, path, options);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) {
      // Without an explicit length Node frames no body on DELETE (it only chunks methods that
      // usually carry one), so the API server would never see DeleteOptions and its
      // preconditions: always send the length of what we write.
      opts.headers = { ...opts.headers, 'Content-Length': Buffer.byteLength(payload) };
    }
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) =>
          reject(new KubeApiError(0, 'ServiceUnavailable', `response error: ${err.message}`)),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            try {
              resolve((text === '' ? {} : JSON.parse(text)) as T);
            } catch {
              reject(
                new KubeApiError(code, 'InternalError', `${method} ${opts.path ?? ''}: response is not JSON`),
              );
            }
            return;
          }
          const status = parseStatus(text);
          const retryAfterHeader = res.headers['retry-after'];
          const retryAfter =
            typeof retryAfterHeader === 'string' && /^\d+$/.test(retryAfterHeader)
              ? Number(retryAfterHeader)
              : undefined;
          reject(
            new KubeApiError(
              code,
              status.reason ?? `HTTP${code}`,
              status.message ?? `${method} ${url(opts)} failed with HTTP ${code}`,
              retryAfter,
            ),
          );
        });
      });
      req.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
        req.destroy(new Error('request timed out'));
      });
      req.on('error', (err) =>
        reject(
          new KubeApiError(0, 'ServiceUnavailable', `${method} ${url(opts)}: ${err.message}`, undefined, err),
        ),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = unknown>(path: string, query?: KubeRequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /** GET that answers `undefined` on 404. */
  async getOptional<T = unknown>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  create<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  replace<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  patch<T = unknown>(path: string, body: unknown, type: PatchType = PatchType.Merge): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: type });
  }

  delete<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body === undefined ? {} : { body });
  }

  /**
   * Opens a watch (`?watch=true`) and calls `onEvent` for each line of the stream. `done`
   * resolves when the server closes the stream and rejects on HTTP or network errors.
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (event: WatchEvent) => void,
  ): Promise<WatchHandle> {
    const { mod, opts } = await this.prepare('GET', path, { query: { ...query, watch: true } });
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const done = new Promise<void>((resolve, reject) => {
      req = mod.request(opts, (res) => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = parseStatus(Buffer.concat(chunks).toString('utf8'));
            reject(
              new KubeApiError(
                code,
                status.reason ?? `HTTP${code}`,
                status.message ?? `watch failed: ${code}`,
              ),
            );
          });
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line !== '') {
              try {
                onEvent(JSON.parse(line) as WatchEvent);
              } catch {
                // a torn line cannot be recovered; the relist after reconnect repairs state
              }
            }
            nl = buffer.indexOf('\n');
          }
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
        res.on('error', (err) => (aborted ? resolve() : reject(err)));
      });
      req.on('error', (err) =>
        aborted
          ? resolve()
          : reject(new KubeApiError(0, 'ServiceUnavailable', `watch ${url(opts)}: ${err.message}`)),
      );
      req.end();
    });
    return {
      abort: () => {
        aborted = true;
        req?.destroy();
      },
      done,
    };
  }
}

function url(opts: https.RequestOptions): string {
  return (opts.path ?? '').split('?')[0] ?? '';
}
