import { ANNOTATION_PREFIX, DEFAULT_WORKER_SA_NAME } from '@msa/common';
import { KubeApiError } from './kube-api-error.js';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';

/** Name of the Lease (in namespace `<cluster>`) that records the worker's heartbeats. */
export const WORKER_LEASE_NAME = DEFAULT_WORKER_SA_NAME;
/** Annotation on that Lease carrying the worker's agent namespace. */
export const ANNOTATION_AGENT_NAMESPACE = `${ANNOTATION_PREFIX}agent-namespace`;
/** Annotation on that Lease carrying the worker's version. */
export const ANNOTATION_WORKER_VERSION = `${ANNOTATION_PREFIX}worker-version`;

/** A worker's last heartbeat as stored on the hub. */
export interface WorkerHeartbeatRecord {
  cluster: string;
  workerId: string;
  agentNamespace: string;
  version: string;
  lastSeen: Date;
}

interface LeaseObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number; acquireTime?: string };
}

/** Formats a Date as a Kubernetes MicroTime. */
export function toMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Reads a heartbeat record from a Lease object (undefined when it has none). */
export function heartbeatFromLease(lease: LeaseObject): WorkerHeartbeatRecord | undefined {
  const cluster = lease.metadata.namespace;
  const renew = lease.spec?.renewTime;
  if (cluster === undefined || renew === undefined) return undefined;
  const ms = Date.parse(renew);
  if (Number.isNaN(ms)) return undefined;
  return {
    cluster,
    workerId: lease.spec?.holderIdentity ?? '',
    agentNamespace: lease.metadata.annotations?.[ANNOTATION_AGENT_NAMESPACE] ?? '',
    version: lease.metadata.annotations?.[ANNOTATION_WORKER_VERSION] ?? '',
    lastSeen: new Date(ms),
  };
}

/**
 * Stores a heartbeat in the coordination.k8s.io Lease `managed-serviceaccount-worker` of the
 * cluster's namespace (renewTime, holderIdentity = workerId, agent namespace annotation).
 * Conflict-safe: update with resourceVersion, re-read on 409.
 */
export async function recordHeartbeat(
  rest: KubeRest,
  record: WorkerHeartbeatRecord,
  leaseDurationSeconds: number,
): Promise<void> {
  const path = kubePaths.lease(record.cluster, WORKER_LEASE_NAME);
  for (let attempt = 1; ; attempt += 1) {
    const existing = await rest.getOptional<LeaseObject>(path);
    const annotations = {
      ...(existing?.metadata.annotations ?? {}),
      [ANNOTATION_AGENT_NAMESPACE]: record.agentNamespace,
      [ANNOTATION_WORKER_VERSION]: record.version,
    };
    const renewTime = toMicroTime(record.lastSeen);
    const spec = {
      ...(existing?.spec ?? {}),
      holderIdentity: record.workerId,
      renewTime,
      leaseDurationSeconds,
      ...(existing?.spec?.acquireTime === undefined || existing.spec.holderIdentity !== record.workerId
        ? { acquireTime: renewTime }
        : {}),
    };
    try {
      if (existing === undefined) {
        await rest.create(kubePaths.leases(record.cluster), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: WORKER_LEASE_NAME, namespace: record.cluster, annotations },
          spec,
        });
      } else {
        await rest.replace(path, { ...existing, metadata: { ...existing.metadata, annotations }, spec });
      }
      return;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.statusCode === 409) || attempt >= 5) throw err;
    }
  }
}

/** Lists every stored worker heartbeat (at start-up, to rebuild the in-memory copy). */
export async function listHeartbeats(rest: KubeRest): Promise<WorkerHeartbeatRecord[]> {
  const list = await rest.get<{ items?: LeaseObject[] }>(kubePaths.leaseAll(), {
    fieldSelector: `metadata.name=${WORKER_LEASE_NAME}`,
  });
  return (list.items ?? []).flatMap((lease) => {
    const rec = heartbeatFromLease(lease);
    return rec === undefined ? [] : [rec];
  });
}
