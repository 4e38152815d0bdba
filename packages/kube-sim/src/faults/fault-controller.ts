import { ApiError, StatusReason } from '../api/status-error.js';

/** Which requests a fault applies to; all given conditions must match. */
export interface FaultMatch {
  /** Request path prefix, e.g. `/api/v1/namespaces/x/serviceaccounts`. */
  pathPrefix?: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string;
  /** HTTP method (GET, POST...). */
  method?: string;
}

/** A configured fault, as listed by {@link FaultController.list}. */
export type FaultRule =
  | ({ id: number; kind: 'latency'; latencyMs: number } & FaultMatch)
  | ({ id: number; kind: 'error'; status: number; remaining: number } & FaultMatch)
  | ({ id: number; kind: 'throttle'; retryAfterSeconds: number; remaining: number } & FaultMatch);

/** What to do with a request. */
export interface FaultDecision {
  delayMs: number;
  error?: ApiError;
}

/** The request facts faults are matched against. */
export interface FaultTarget {
  method: string;
  path: string;
  verb: string;
}

function matches(rule: FaultMatch, t: FaultTarget): boolean {
  return (
    (rule.pathPrefix === undefined || t.path.startsWith(rule.pathPrefix)) &&
    (rule.verb === undefined || rule.verb === t.verb) &&
    (rule.method === undefined || rule.method.toUpperCase() === t.method.toUpperCase())
  );
}

const REASON_BY_STATUS: Record<number, { reason: StatusReason; message: string }> = {
  500: { reason: StatusReason.InternalError, message: 'Internal error occurred: injected fault' },
  503: {
    reason: StatusReason.ServiceUnavailable,
    message: 'the server is currently unable to handle the request',
  },
  504: {
    reason: StatusReason.Timeout,
    message:
      'the server was unable to return a response in the time allotted, but may still be processing the request',
  },
};

/**
 * Fault injection of one cluster: latency, N× 5xx, N× 429 with Retry-After, dropping open
 * watches, signing-key rotation. Used in-process and through `/__sim/faults`.
 */
export class FaultController {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(
    private readonly dropWatchesFn: () => number,
    private readonly rotateFn: () => Promise<void>,
  ) {}

  /** Delay matching requests by `ms` until cleared. */
  addLatency(ms: number, match: FaultMatch = {}): number {
    const id = this.nextId++;
    this.rules.push({ id, kind: 'latency', latencyMs: ms, ...match });
    return id;
  }

  /** Answer the next `count` matching requests with `status` (500, 502, 503 or 504). */
  failNext(count: number, status = 500, match: FaultMatch = {}): number {
    const id = this.nextId++;
    this.rules.push({ id, kind: 'error', status, remaining: count, ...match });
    return id;
  }

  /** Answer the next `count` matching requests with 429 TooManyRequests and `Retry-After`. */
  throttleNext(count: number, retryAfterSeconds = 1, match: FaultMatch = {}): number {
    const id = this.nextId++;
    this.rules.push({ id, kind: 'throttle', retryAfterSeconds, remaining: count, ...match });
    return id;
  }

  /** Close every open watch now; returns how many were closed. */
  dropWatches(): number {
    return this.dropWatchesFn();
  }

  /** Rotate the token signing key: tokens signed before stop authenticating. */
  rotateSigningKey(): Promise<void> {
    return this.rotateFn();
  }

  /** Remove one fault, or all when no id is given. */
  clear(id?: number): void {
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
  }

  /** Active faults. */
  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Decide the fate of a request (consumes counted faults). */
  decide(target: FaultTarget): FaultDecision {
    let delayMs = 0;
    for (const r of this.rules) if (r.kind === 'latency' && matches(r, target)) delayMs += r.latencyMs;
    const hit = this.rules.find((r) => r.kind !== 'latency' && r.remaining > 0 && matches(r, target));
    if (!hit || hit.kind === 'latency') return { delayMs };
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.rules = this.rules.filter((r) => r !== hit);
    if (hit.kind === 'throttle') {
      return {
        delayMs,
        error: new ApiError(
          429,
          StatusReason.TooManyRequests,
          'Too many requests, please try again later.',
          { retryAfterSeconds: hit.retryAfterSeconds },
          { 'Retry-After': String(hit.retryAfterSeconds) },
        ),
      };
    }
    const known = REASON_BY_STATUS[hit.status] ?? {
      reason: StatusReason.InternalError,
      message: `injected fault (HTTP ${hit.status})`,
    };
    return { delayMs, error: new ApiError(hit.status, known.reason, known.message) };
  }
}
