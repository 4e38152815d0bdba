import { createHash } from 'node:crypto';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';

/** Who a bearer token belongs to, as the hub API server says. */
export interface ReviewedIdentity {
  username: string;
  uid?: string | undefined;
  groups: string[];
}

interface TokenReviewBody {
  status?: {
    authenticated?: boolean;
    user?: { username?: string; uid?: string; groups?: string[] };
    error?: string;
  };
}

/** Options of {@link TokenReviewer}. */
export interface TokenReviewerOptions {
  /** How long a positive answer is reused; default 30 s. Negative answers are never cached. */
  cacheTtlMs?: number;
  /** Maximum cached entries; default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Verifies bearer tokens with a TokenReview against the hub API server. Positive results are
 * cached briefly, keyed by the SHA-256 of the token, so the token itself is never kept.
 */
export class TokenReviewer {
  private readonly rest: KubeRest;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { identity: ReviewedIdentity; expiresAt: number }>();

  constructor(rest: KubeRest, options: TokenReviewerOptions = {}) {
    this.rest = rest;
    this.ttlMs = options.cacheTtlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Returns the identity, or `undefined` when the token does not authenticate. */
  async review(token: string): Promise<ReviewedIdentity | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit !== undefined && hit.expiresAt > now) return hit.identity;
    if (hit !== undefined) this.cache.delete(key);
    const answer = await this.rest.create<TokenReviewBody>(kubePaths.tokenReviews(), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    const user = answer.status?.user;
    if (answer.status?.authenticated !== true || user?.username === undefined) return undefined;
    const identity: ReviewedIdentity = { username: user.username, uid: user.uid, groups: user.groups ?? [] };
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { identity, expiresAt: now + this.ttlMs });
    return identity;
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.cache.clear();
  }
}
