/** Condition types set on a ManagedServiceAccount. */
export const ConditionType = {
  /** Upstream: True after every successful pass, never set False. */
  SecretCreated: 'SecretCreated',
  /** Upstream: True on success (empty message), False with reason TokenReportFailed on failure. */
  TokenReported: 'TokenReported',
  /** Ours: whether the cluster's worker is heard from. */
  WorkerAvailable: 'WorkerAvailable',
} as const;
/** Condition type union. */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition reasons used on a ManagedServiceAccount. */
export const ConditionReason = {
  SecretCreated: 'SecretCreated',
  TokenReported: 'TokenReported',
  TokenReportFailed: 'TokenReportFailed',
  ClusterNotFound: 'ClusterNotFound',
  InvalidSpec: 'InvalidSpec',
  WorkerHeartbeatMissed: 'WorkerHeartbeatMissed',
  WorkerHeartbeatReceived: 'WorkerHeartbeatReceived',
} as const;
/** Condition reason union. */
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];
