import type { Queue } from 'bullmq';
import {
  DEFAULT_VALIDITY_SECONDS,
  JobName,
  decodeJwtClaims,
  dedupIdForMsa,
  rotationJobId,
  type ReconcileJobData,
} from '@msa/common';
import type { HubOperations } from '../hub-client/hub-client.js';
import type { WorkerLogger } from './processor.js';

/**
 * Options of the jobs a worker adds to its own queue: the hub's policy (8 attempts, the
 * `custom` backoff the worker computes, bounded retention) so the hub's dead-letter poller
 * treats them like its own.
 */
export const SELF_JOB_OPTIONS = Object.freeze({
  attempts: 8,
  backoff: { type: 'custom' },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
});

function readExpiration(data: unknown): number | undefined {
  if (data !== null && typeof data === 'object' && 'expirationSeconds' in data) {
    const v = data.expirationSeconds;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  return undefined;
}

/**
 * Called when a labelled ServiceAccount disappears from the spoke. If its MSA is live on the hub,
 * adds a `reconcile` job with `verify: true` to this worker's own queue under the MSA's
 * deduplication id (ADR 0010): the job recreates the SA, the stored token (bound to the old
 * UID) fails its TokenReview, and a new token is minted. The requested lifetime is taken from the
 * MSA's pending job when there is one, else from the stored token, else the default.
 * @returns whether a job was added
 */
export async function requestRemint(
  name: string,
  deps: { cluster: string; hub: HubOperations; queue: Queue; logger: WorkerLogger },
): Promise<boolean> {
  const { cluster, hub, queue } = deps;
  const live = await hub.listManagedServiceAccounts();
  const msa = live.items.find((i) => i.name === name);
  if (!live.synced || msa === undefined || msa.deleting) return false;
  const dedupId = dedupIdForMsa(cluster, name);
  let expirationSeconds: number | undefined;
  for (const id of [await queue.getDeduplicationJobId(dedupId), rotationJobId(cluster, name)]) {
    if (id === null || expirationSeconds !== undefined) continue;
    expirationSeconds = readExpiration((await queue.getJob(id))?.data);
  }
  if (expirationSeconds === undefined) {
    const stored = await hub.getStoredToken(name);
    const claims = stored.token === null ? undefined : decodeJwtClaims(stored.token);
    if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) {
      expirationSeconds = claims.exp - claims.iat;
    }
  }
  const data: ReconcileJobData = {
    cluster,
    namespace: cluster,
    name,
    uid: msa.uid,
    expirationSeconds: expirationSeconds ?? DEFAULT_VALIDITY_SECONDS,
    mintReason: null,
    verify: true,
    enqueuedAt: new Date().toISOString(),
  };
  // replace: a pending delayed (rotation) job of this MSA must not hold the re-mint back.
  await queue.add(JobName.Reconcile, data, {
    ...SELF_JOB_OPTIONS,
    deduplication: { id: dedupId, replace: true, keepLastIfActive: true },
  });
  deps.logger.info({ msa: name }, 'labelled ServiceAccount deleted while its MSA is live; queued a re-check');
  return true;
}
