import type { ClusterAccess } from '../../scripts/lib/kube.js';
import { kubeRequest } from '../../scripts/lib/kube.js';

/** One request as kube-sim's `/__sim/counters` lists it. */
export interface CountedRequest {
  method: string;
  path: string;
  verb: string;
  resource: string;
  code: number;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True for POST/PUT/PATCH/DELETE: what the benchmark calls a write request. */
export const isWrite = (r: CountedRequest): boolean => WRITE_METHODS.has(r.method.toUpperCase());

/** Every request a kube-sim cluster has counted since its last reset. */
export async function readCounters(cluster: ClusterAccess): Promise<CountedRequest[]> {
  const res = await kubeRequest(cluster, 'GET', '/__sim/counters');
  if (res.status !== 200) throw new Error(`${cluster.name} /__sim/counters: HTTP ${res.status}`);
  return (res.body as { requests?: CountedRequest[] }).requests ?? [];
}

/** Forgets a kube-sim cluster's counted requests. */
export async function resetCounters(cluster: ClusterAccess): Promise<void> {
  const res = await kubeRequest(cluster, 'DELETE', '/__sim/counters');
  if (res.status >= 300) throw new Error(`${cluster.name} DELETE /__sim/counters: HTTP ${res.status}`);
}

/** Hub write requests of the measured window, sorted into what they are for. */
export interface HubWriteBreakdown {
  /** Secrets + MSA objects and status: the writes a minted token needs (floor 2 per token). */
  tokenPath: number;
  secrets: number;
  msaStatus: number;
  /** Writes to MSA objects other than the benchmark's own creates (none expected). */
  msaObject: number;
  events: number;
  /** Worker heartbeats (Lease renewals): per time, not per token. */
  leases: number;
  /** TokenReview creates (worker authentication): POSTs that store nothing. */
  tokenReviews: number;
  other: number;
  /** Every write, the benchmark's own MSA creates excluded. */
  total: number;
  /** Writes answered with a status >= 400 (conflicts and the like), included above. */
  failed: number;
  /** Read requests (GET: get, list, watch) in the same window, the benchmark's own included. */
  reads: number;
  /** `verb resource` → count of reads. */
  readsByKey: Record<string, number>;
  /** `METHOD verb resource code` → count, the benchmark's own creates excluded. */
  byKey: Record<string, number>;
  /** Status writes per MSA name: how many MSAs got 1, 2, 3, ... */
  statusWritesPerMsa: Record<string, number>;
  /** Secret writes per MSA for which the name is in the path (updates); creates carry it in the body. */
  secretUpdatesPerMsa: Record<string, number>;
}

/**
 * Sorts the hub's write requests. `ownCreates` MSA POSTs are the benchmark's (its "kubectl
 * apply") and are left out of every figure.
 */
export function classifyHubWrites(
  requests: readonly CountedRequest[],
  ownCreates: number,
): HubWriteBreakdown {
  const out: HubWriteBreakdown = {
    tokenPath: 0,
    secrets: 0,
    msaStatus: 0,
    msaObject: 0,
    events: 0,
    leases: 0,
    tokenReviews: 0,
    other: 0,
    total: 0,
    failed: 0,
    reads: 0,
    readsByKey: {},
    byKey: {},
    statusWritesPerMsa: {},
    secretUpdatesPerMsa: {},
  };
  let ownLeft = ownCreates;
  const perStatus = new Map<string, number>();
  const perSecret = new Map<string, number>();
  for (const r of requests) {
    if (!isWrite(r)) {
      out.reads += 1;
      const rk = `${r.verb} ${r.resource || r.path}`;
      out.readsByKey[rk] = (out.readsByKey[rk] ?? 0) + 1;
      continue;
    }
    const method = r.method.toUpperCase();
    if (ownLeft > 0 && method === 'POST' && r.resource === 'managedserviceaccounts') {
      ownLeft -= 1;
      continue;
    }
    out.total += 1;
    if (r.code >= 400) out.failed += 1;
    const key = `${method} ${r.verb} ${r.resource || r.path} ${r.code}`;
    out.byKey[key] = (out.byKey[key] ?? 0) + 1;
    const segments = r.path.split('?')[0]?.split('/') ?? [];
    if (r.resource === 'secrets') {
      out.secrets += 1;
      const i = segments.indexOf('secrets');
      const name = segments[i + 1];
      if (name !== undefined && name !== '') perSecret.set(name, (perSecret.get(name) ?? 0) + 1);
    } else if (r.resource === 'managedserviceaccounts/status') {
      out.msaStatus += 1;
      const i = segments.indexOf('managedserviceaccounts');
      const name = segments[i + 1] ?? '';
      perStatus.set(name, (perStatus.get(name) ?? 0) + 1);
    } else if (r.resource === 'managedserviceaccounts') out.msaObject += 1;
    else if (r.resource === 'events') out.events += 1;
    else if (r.resource === 'leases') out.leases += 1;
    else if (r.resource === 'tokenreviews') out.tokenReviews += 1;
    else out.other += 1;
  }
  out.tokenPath = out.secrets + out.msaStatus + out.msaObject;
  const histogram = (m: Map<string, number>): Record<string, number> => {
    const h: Record<string, number> = {};
    for (const n of m.values()) h[String(n)] = (h[String(n)] ?? 0) + 1;
    return h;
  };
  out.statusWritesPerMsa = histogram(perStatus);
  out.secretUpdatesPerMsa = histogram(perSecret);
  return out;
}

/** What the spokes served in the measured window. */
export interface SpokeCalls {
  /** TokenRequest creates answered 201: tokens actually minted. */
  tokenRequests: number;
  /** ServiceAccount creates answered 201. */
  serviceAccountCreates: number;
  /** TokenReview creates (verification of a stored token). */
  tokenReviews: number;
  /** Every write (POST/PUT/PATCH/DELETE). */
  writes: number;
  /** Every request, reads and watches included. */
  requests: number;
}

/** Counts the spoke-side calls of the measured window. */
export function classifySpokeCalls(requests: readonly CountedRequest[]): SpokeCalls {
  const out: SpokeCalls = {
    tokenRequests: 0,
    serviceAccountCreates: 0,
    tokenReviews: 0,
    writes: 0,
    requests: 0,
  };
  for (const r of requests) {
    out.requests += 1;
    if (!isWrite(r)) continue;
    out.writes += 1;
    if (r.resource === 'serviceaccounts/token' && r.code === 201) out.tokenRequests += 1;
    else if (r.resource === 'serviceaccounts' && r.verb === 'create' && r.code === 201)
      out.serviceAccountCreates += 1;
    else if (r.resource === 'tokenreviews') out.tokenReviews += 1;
  }
  return out;
}
