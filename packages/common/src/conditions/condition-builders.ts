import { ConditionReason, ConditionType } from '../api/conditions-constants.js';
import type { ConditionInput } from './set-condition.js';

/** Upstream: `SecretCreated` True after every successful pass; it is never set False. */
export function secretCreatedCondition(observedGeneration?: number): ConditionInput {
  return {
    type: ConditionType.SecretCreated,
    status: 'True',
    reason: ConditionReason.SecretCreated,
    message: '',
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
  };
}

/** Upstream: `TokenReported` True with reason `TokenReported` and an empty message on success. */
export function tokenReportedCondition(observedGeneration?: number): ConditionInput {
  return {
    type: ConditionType.TokenReported,
    status: 'True',
    reason: ConditionReason.TokenReported,
    message: '',
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
  };
}

/**
 * `TokenReported` False. `reason` defaults to upstream's `TokenReportFailed` (spoke-side failures);
 * `ClusterNotFound` and `InvalidSpec` are ours for failures upstream never reported.
 * The message must never contain a token.
 */
export function tokenReportFailedCondition(
  message: string,
  reason:
    | typeof ConditionReason.TokenReportFailed
    | typeof ConditionReason.ClusterNotFound
    | typeof ConditionReason.InvalidSpec = ConditionReason.TokenReportFailed,
  observedGeneration?: number,
): ConditionInput {
  return {
    type: ConditionType.TokenReported,
    status: 'False',
    reason,
    message,
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
  };
}

/** Ours (upstream issue #90): the MSA's namespace is not a ManagedCluster. */
export function clusterNotFoundCondition(namespace: string, observedGeneration?: number): ConditionInput {
  return tokenReportFailedCondition(
    `no ManagedCluster named ${JSON.stringify(namespace)} exists; a ManagedServiceAccount must live in the namespace of its managed cluster`,
    ConditionReason.ClusterNotFound,
    observedGeneration,
  );
}

/** Ours: the spec cannot be acted on (e.g. a validity that is not a Go duration). */
export function invalidSpecCondition(message: string, observedGeneration?: number): ConditionInput {
  return tokenReportFailedCondition(message, ConditionReason.InvalidSpec, observedGeneration);
}

/**
 * Ours: `WorkerAvailable` True, the cluster's worker sent a heartbeat recently. The message has
 * no timestamp on purpose, so that each heartbeat does not rewrite the status of every MSA.
 */
export function workerAvailableCondition(): ConditionInput {
  return {
    type: ConditionType.WorkerAvailable,
    status: 'True',
    reason: ConditionReason.WorkerHeartbeatReceived,
    message: 'the worker of this cluster is sending heartbeats',
  };
}

/** Ours: `WorkerAvailable` False, the worker has not been heard from; `lastSeen` undefined = never. */
export function workerHeartbeatMissedCondition(lastSeen: Date | undefined): ConditionInput {
  return {
    type: ConditionType.WorkerAvailable,
    status: 'False',
    reason: ConditionReason.WorkerHeartbeatMissed,
    message:
      lastSeen === undefined
        ? 'no heartbeat received from the worker of this cluster'
        : `no heartbeat from the worker of this cluster since ${lastSeen.toISOString()}`,
  };
}
