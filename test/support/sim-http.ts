import { request } from 'node:https';
import type { SimHandle } from './sim.js';

/** A raw HTTP answer of kube-sim. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/**
 * One HTTPS request to a simulated cluster as admin (TLS verified against its CA), for the
 * parts of the API that typed clients do not reach (discovery, tables, admin routes).
 */
export function fetchJson(
  sim: SimHandle,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token: string | undefined = sim.cluster.adminToken,
): Promise<RawResponse> {
  const url = new URL(path, sim.cluster.url);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: sim.cluster.caPem,
        headers: {
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
