import { ErrorCode, MsaError, decodeJwtClaims } from '@msa/common';
import type { TokenReviewer } from '../k8s/token-reviewer.js';
import { toMsaError } from '../k8s/kube-errors.js';

/** The authenticated worker of a request. */
export interface WorkerIdentity {
  cluster: string;
  username: string;
  /** When the presented credential expires (from its `exp` claim), if it says. */
  credentialExpiresAt: Date | undefined;
}

/** Pure: extracts the bearer token from an Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Pure: decides whether `username` may act for `cluster`. Only the configured worker
 * ServiceAccount of namespace `<cluster>` may; anything else that authenticated is another
 * cluster's worker or another identity: 403.
 */
export function authorizeWorker(
  username: string,
  cluster: string,
  workerServiceAccountName: string,
): boolean {
  return username === `system:serviceaccount:${cluster}:${workerServiceAccountName}`;
}

/**
 * Authenticates a worker request: bearer token → TokenReview on the hub (cached by hash) →
 * must be `system:serviceaccount:<cluster>:<worker SA>`. Throws 401 for no/unknown identity,
 * 403 for another cluster's (or anyone else's) identity.
 */
export async function authenticateWorker(
  reviewer: TokenReviewer,
  authorization: string | undefined,
  cluster: string,
  workerServiceAccountName: string,
): Promise<WorkerIdentity> {
  const token = bearerToken(authorization);
  if (token === undefined) throw new MsaError(ErrorCode.Unauthenticated, 'a bearer token is required');
  let identity;
  try {
    identity = await reviewer.review(token);
  } catch (err) {
    throw toMsaError(err, 'verifying the bearer token with the hub API server');
  }
  if (identity === undefined)
    throw new MsaError(ErrorCode.Unauthenticated, 'the bearer token does not authenticate on the hub');
  if (!authorizeWorker(identity.username, cluster, workerServiceAccountName)) {
    throw new MsaError(
      ErrorCode.Forbidden,
      `identity ${identity.username} may not act for cluster ${cluster}; only ServiceAccount ${workerServiceAccountName} of namespace ${cluster} may`,
    );
  }
  const exp = decodeJwtClaims(token)?.exp;
  return {
    cluster,
    username: identity.username,
    credentialExpiresAt: typeof exp === 'number' ? new Date(exp * 1000) : undefined,
  };
}
