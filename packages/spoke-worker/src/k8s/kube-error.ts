import { ApiException } from '@kubernetes/client-node';
import { classifyKubeFailure, KubeFailureKind, type KubeStatusBody } from '@msa/common';

/** The closed set of Kubernetes failures (common's {@link KubeFailureKind}, STYLE.md point 4). */
export const KubeErrorKind = KubeFailureKind;
/** One of {@link KubeErrorKind}. */
export type KubeErrorKind = KubeFailureKind;

/**
 * A spoke API failure. `message` is the API server's own `Status.message` (or a short transport
 * description), never the raw response body: client-node embeds whole bodies in its messages,
 * and a TokenRequest body carries a token.
 */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  /** Which of the closed set this is. */
  readonly kind: KubeErrorKind;
  /** HTTP status, or 0 for transport failures (connection refused, timeout). */
  readonly status: number;
  /** Whether retrying the same request later can succeed. */
  readonly retryable: boolean;
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: KubeErrorKind, status: number, message: string, retryAfterMs?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryable = kind === 'unavailable' || kind === 'throttled' || kind === 'conflict';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Parses a Kubernetes `Status` body (client-node hands it over as a raw string); undefined when it is not one. */
export function parseStatusBody(body: unknown): KubeStatusBody | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  const out: KubeStatusBody = {};
  if (typeof o['message'] === 'string') out.message = o['message'];
  if (typeof o['reason'] === 'string') out.reason = o['reason'];
  const details = o['details'];
  if (details !== null && typeof details === 'object' && 'retryAfterSeconds' in details) {
    const ra = details.retryAfterSeconds;
    if (typeof ra === 'number') out.details = { retryAfterSeconds: ra };
  }
  return out;
}

/** Parses a Retry-After header given in seconds (the form kube-apiserver uses). */
function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Maps anything a client-node call threw to a {@link KubeError}. Unknown errors are treated as
 * transport failures (retryable) with a generic message, because their text may embed a body.
 * @param action short description used in messages for transport failures, e.g. `create ServiceAccount x`
 */
export function toKubeError(err: unknown, action: string): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const status = typeof err.code === 'number' ? err.code : 0;
    const body = parseStatusBody(err.body);
    const message = body?.message ?? `${action}: HTTP ${status}`;
    const bodyRetry = body?.details?.retryAfterSeconds;
    return new KubeError(
      classifyKubeFailure(status, body),
      status,
      message,
      retryAfterMs(err.headers) ?? (bodyRetry === undefined ? undefined : bodyRetry * 1000),
    );
  }
  const code =
    err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
      ? err.code
      : undefined;
  const what = code !== undefined && TRANSPORT_CODES.has(code) ? code : 'request failed';
  return new KubeError(KubeErrorKind.Unavailable, 0, `${action}: ${what}`);
}
