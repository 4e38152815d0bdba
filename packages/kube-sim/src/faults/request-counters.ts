/** One counted request. */
export interface CountedRequest {
  method: string;
  path: string;
  verb: string;
  resource: string;
  code: number;
}

/** Filter of {@link RequestCounters.count}; all given conditions must match. */
export interface CountFilter {
  method?: string;
  pathPrefix?: string;
  verb?: string;
  /** Resource, optionally with subresource: `secrets`, `serviceaccounts/token`. */
  resource?: string;
  code?: number;
}

/** Counts the API requests a cluster served, so tests can assert how many calls a client made. */
export class RequestCounters {
  private requests: CountedRequest[] = [];

  /** Record one request (the object is kept: its code may be set later). */
  record(r: CountedRequest): void {
    this.requests.push(r);
  }

  /** Number of recorded requests matching the filter. */
  count(filter: CountFilter = {}): number {
    return this.requests.filter(
      (r) =>
        (filter.method === undefined || r.method.toUpperCase() === filter.method.toUpperCase()) &&
        (filter.pathPrefix === undefined || r.path.startsWith(filter.pathPrefix)) &&
        (filter.verb === undefined || r.verb === filter.verb) &&
        (filter.resource === undefined || r.resource === filter.resource) &&
        (filter.code === undefined || r.code === filter.code),
    ).length;
  }

  /** Forget all recorded requests. */
  reset(): void {
    this.requests = [];
  }

  /** Totals by `METHOD verb resource` plus the raw list. */
  snapshot(): { total: number; byKey: Record<string, number>; requests: CountedRequest[] } {
    const byKey: Record<string, number> = {};
    for (const r of this.requests) {
      const k = `${r.method} ${r.verb} ${r.resource || r.path}`;
      byKey[k] = (byKey[k] ?? 0) + 1;
    }
    return { total: this.requests.length, byKey, requests: this.requests.map((r) => ({ ...r })) };
  }
}
