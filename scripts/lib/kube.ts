import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

/** The admin view of one cluster, read from its kubeconfig. */
export interface ClusterAccess {
  name: string;
  kubeconfigPath: string;
  /** `https://host:port` */
  server: string;
  /** PEM CA of the API server. */
  caPem: string;
  /** Bearer token of the kubeconfig's user. */
  token: string;
}

/**
 * Reads server, CA and bearer token of the current context of a kubeconfig (YAML or JSON).
 * Only token users are supported: that is what kube-sim writes and what the runners need.
 */
export function readClusterAccess(name: string, kubeconfigPath: string): ClusterAccess {
  const doc = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: {
      name: string;
      cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
    }[];
    users?: { name: string; user: { token?: string; tokenFile?: string } }[];
  };
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
  const cluster = doc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? doc.clusters?.[0];
  const user = doc.users?.find((u) => u.name === ctx?.context.user) ?? doc.users?.[0];
  if (!cluster) throw new Error(`${kubeconfigPath}: no cluster`);
  const caData = cluster.cluster['certificate-authority-data'];
  const caFile = cluster.cluster['certificate-authority'];
  const caPem = caData
    ? Buffer.from(caData, 'base64').toString('utf8')
    : caFile
      ? readFileSync(caFile, 'utf8')
      : '';
  const token =
    user?.user.token ?? (user?.user.tokenFile ? readFileSync(user.user.tokenFile, 'utf8').trim() : '');
  return { name, kubeconfigPath, server: cluster.cluster.server, caPem, token };
}

/** Answer of {@link httpsJson}. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  text: string;
  /** Response headers (lower-case names), e.g. `retry-after`. */
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * One HTTPS request with a JSON body/answer, verifying the server with `caPem` and sending
 * `token` as bearer (when given). Never rejects on HTTP errors, only on transport failures.
 */
export function httpsJson(
  base: string,
  caPem: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<JsonAnswer> {
  const url = new URL(path, base);
  const payload =
    body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: caPem,
        headers: {
          accept: 'application/json',
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...extraHeaders,
        },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href}: timeout`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** GET/POST/... against a cluster with its admin credentials. */
export function kubeRequest(
  cluster: ClusterAccess,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<JsonAnswer> {
  return httpsJson(cluster.server, cluster.caPem, cluster.token, method, path, body, headers);
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or times out. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
