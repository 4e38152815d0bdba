/** Prefix of every BullMQ key (BullMQ's `prefix` option). */
export const QUEUE_PREFIX = 'msa';

/**
 * Queue name of one managed cluster. The braces make the name a Redis Cluster hash tag, so all
 * keys of a cluster's queue land in one slot.
 */
export function queueNameForCluster(cluster: string): string {
  return `{${cluster}}`;
}

/** Job names. */
export const JobName = {
  Reconcile: 'reconcile',
  DeleteServiceAccount: 'delete-service-account',
  Sweep: 'sweep',
} as const;
/** Job name union. */
export type JobName = (typeof JobName)[keyof typeof JobName];

/**
 * BullMQ deduplication id for every job of one MSA: `msa.<namespace>.<name>`. Dots, not colons,
 * because BullMQ uses `:` as its key separator. A namespace is a DNS label (no dots), so the id
 * is unambiguous even though names may contain dots.
 */
export function dedupIdForMsa(namespace: string, name: string): string {
  return `msa.${namespace}.${name}`;
}

/** Job id of the delayed rotation job of one MSA: `rotate.<namespace>.<name>`. */
export function rotationJobId(namespace: string, name: string): string {
  return `rotate.${namespace}.${name}`;
}
