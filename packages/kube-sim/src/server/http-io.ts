import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../api/status-error.js';

/** Largest request body kube-sim reads (kube-apiserver's default limit is 3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;

/** Read a request body as bytes. */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('request entity too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Read a request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** Send a JSON body. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  if (warnings.length > 0) {
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Send a `Status` error body. */
export function sendError(res: ServerResponse, err: ApiError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  sendJson(res, err.code, err.toStatus());
}

/** Does the Accept header ask for a meta.k8s.io Table? */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const p = part.replace(/\s/g, '');
    return (
      p.includes('as=Table') &&
      p.includes('g=meta.k8s.io') &&
      (p.includes('v=v1;') || p.endsWith('v=v1') || p.includes('v=v1beta1'))
    );
  });
}

/** Does the Accept header allow JSON (or anything) at all? */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const t = part.split(';')[0]?.trim() ?? '';
    return t === 'application/json' || t === '*/*' || t === 'application/*' || t === 'application/yaml';
  });
}
