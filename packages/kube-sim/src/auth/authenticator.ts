import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServiceAccountClaims, TokenIssuer } from './token-issuer.js';

/** An authenticated user, shaped like `authentication.k8s.io/v1` `UserInfo`. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Read access to the sim's objects, which the authenticator and authorizer need. */
export interface ObjectLookup {
  /** One object by `apiVersion` (`v1`, `rbac.authorization.k8s.io/v1`), kind and name, or undefined. */
  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): { metadata: { uid: string } } | undefined;
  /** All objects of a kind, in one namespace when given, else in all namespaces / cluster-wide. */
  list(apiVersion: string, kind: string, namespace?: string): Array<Record<string, unknown>>;
}

/** `status` of a TokenReview. The API server answers 201 whether or not the token is valid. */
export interface TokenReviewStatus {
  authenticated: boolean;
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}

/** Authenticates bearer tokens the way kube-apiserver's token authenticator chain does. */
export interface Authenticator {
  /**
   * Authenticates a request's bearer token (the token, or the whole `Authorization` header
   * value); undefined means 401. Only the API server audiences are accepted.
   */
  authenticate(bearer: string | undefined): Promise<UserInfo | undefined>;
  /** Evaluates a TokenReview; never throws. Empty `audiences` means the API server audiences. */
  review(token: string, audiences?: string[]): Promise<TokenReviewStatus>;
}

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Static token of the cluster administrator (like a `--token-auth-file` entry). */
  adminToken: string;
  issuer: TokenIssuer;
  lookup: ObjectLookup;
  /** Clock in milliseconds; default `Date.now`. Used for the deletion grace of bound objects. */
  now?: () => number;
}

/** User name of the static admin token. */
export const ADMIN_USERNAME = 'kube-sim-admin';
/** Group every authenticated user gets (added last, as kube-apiserver's group adder does). */
export const AUTHENTICATED_GROUP = 'system:authenticated';
/** The group `system:masters`, which every authorizer allows. */
export const PRIVILEGED_GROUP = 'system:masters';
/** Extra key carrying `JTI=<jti>` of a service account token (Kubernetes 1.29+). */
export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

/**
 * pkg/serviceaccount/claims.go treats an object whose deletionTimestamp is older than this as
 * gone, so tokens outlive a graceful delete briefly but not a completed one.
 */
const DELETION_GRACE_MS = 60_000;

/** `system:serviceaccount:<namespace>:<name>` (pkg/serviceaccount/util.go MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function stripBearer(value: string): string {
  const match = /^Bearer\s+(.*)$/i.exec(value.trim());
  return (match?.[1] ?? value).trim();
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => b.includes(x));
}

/** Go's `%q` of a `[]string`. */
function goQuoteList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

type Outcome = { ok: true; user: UserInfo; audiences: string[] } | { ok: false; error: string };

function metadataOf(object: unknown): Record<string, unknown> {
  if (typeof object !== 'object' || object === null) return {};
  const metadata = (object as Record<string, unknown>)['metadata'];
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
}

/**
 * Creates the authenticator of one simulated cluster: the static admin token, then service
 * account JWTs checked like `pkg/serviceaccount/jwt.go` and `claims.go` (signature, time,
 * audience, then the service account and any bound Pod/Secret/Node must still exist with the
 * uid in the token).
 */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const adminDigest = digest(opts.adminToken);
  const now = opts.now ?? Date.now;
  const apiAudiences = opts.issuer.audiences;

  /** Whether an object's deletion started before now - 60 s (claims.go invalidIfDeletedBefore). */
  function deletedLongAgo(object: { metadata: { uid: string } }): boolean {
    const deletion = metadataOf(object)['deletionTimestamp'];
    return typeof deletion === 'string' && Date.parse(deletion) < now() - DELETION_GRACE_MS;
  }

  /** Checks of pkg/serviceaccount/claims.go Validate, in its order and with its messages. */
  function checkReferences(claims: ServiceAccountClaims): string | undefined {
    const k8s = claims['kubernetes.io'];
    const ns = k8s.namespace;
    const saRef = k8s.serviceaccount;
    const sa = opts.lookup.get('v1', 'ServiceAccount', ns, saRef.name);
    // The getter's NotFound error is passed through unchanged.
    if (sa === undefined) return `serviceaccounts ${JSON.stringify(saRef.name)} not found`;
    if (sa.metadata.uid !== saRef.uid) {
      return `service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})`;
    }
    if (deletedLongAgo(sa)) return `service account ${ns}/${saRef.name} has been deleted`;
    const bound: Array<['secret' | 'pod' | 'node', string, string | undefined]> = [
      ['secret', 'Secret', ns],
      ['pod', 'Pod', ns],
      ['node', 'Node', undefined],
    ];
    for (const [key, kind, namespace] of bound) {
      const ref = k8s[key];
      if (ref === undefined) continue;
      // A pod-bound token carries its pod's node only as information; the node is not checked.
      if (key === 'node' && k8s.pod !== undefined) continue;
      const object = opts.lookup.get('v1', kind, namespace, ref.name);
      if (object === undefined) return 'service account token has been invalidated';
      if (object.metadata.uid !== ref.uid) {
        return `${key} UID (${object.metadata.uid}) does not match service account ${key} ref claim (${ref.uid})`;
      }
      if (deletedLongAgo(object)) return 'service account token has been invalidated';
    }
    return undefined;
  }

  function serviceAccountUser(claims: ServiceAccountClaims): UserInfo {
    const k8s = claims['kubernetes.io'];
    const extra: Record<string, string[]> = { [CREDENTIAL_ID_EXTRA]: [`JTI=${claims.jti}`] };
    // Kubernetes 1.32+ also reports the pod and node a token is bound to.
    if (k8s.pod !== undefined) {
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    }
    if (k8s.node !== undefined) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
    return {
      username: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name),
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k8s.namespace}`, AUTHENTICATED_GROUP],
      extra,
    };
  }

  async function evaluate(token: string, requested: readonly string[]): Promise<Outcome> {
    // The API server itself refuses an empty spec.token with 400 ("token is required for TokenReview").
    if (token === '') return { ok: false, error: '[invalid bearer token]' };
    if (timingSafeEqual(digest(token), adminDigest)) {
      // Static tokens are audience-agnostic: kube wraps them so that they authenticate only
      // for audiences the API server itself has (authenticator.WrapAudienceAgnosticToken).
      const audiences = intersect(requested, apiAudiences);
      if (audiences.length === 0) {
        return {
          ok: false,
          error: `[invalid bearer token, token audiences ${goQuoteList(apiAudiences)} is invalid for the target audiences ${goQuoteList(requested)}]`,
        };
      }
      return {
        ok: true,
        user: { username: ADMIN_USERNAME, groups: [PRIVILEGED_GROUP, AUTHENTICATED_GROUP] },
        audiences,
      };
    }
    const verified = await opts.issuer.verify(token, requested);
    if (!verified.ok) return { ok: false, error: `[invalid bearer token, ${verified.reason}]` };
    const problem = checkReferences(verified.claims);
    if (problem !== undefined) return { ok: false, error: `[invalid bearer token, ${problem}]` };
    return {
      ok: true,
      user: serviceAccountUser(verified.claims),
      audiences: intersect(verified.claims.aud, requested),
    };
  }

  return {
    async authenticate(bearer) {
      if (bearer === undefined) return undefined;
      try {
        const outcome = await evaluate(stripBearer(bearer), apiAudiences);
        return outcome.ok ? outcome.user : undefined;
      } catch {
        return undefined;
      }
    },
    async review(token, audiences) {
      const requested = audiences !== undefined && audiences.length > 0 ? audiences : [...apiAudiences];
      try {
        const outcome = await evaluate(token.trim(), requested);
        if (!outcome.ok) return { authenticated: false, error: outcome.error };
        return { authenticated: true, user: outcome.user, audiences: outcome.audiences };
      } catch {
        return { authenticated: false, error: '[invalid bearer token]' };
      }
    },
  };
}
