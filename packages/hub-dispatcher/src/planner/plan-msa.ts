import {
  ConditionReason,
  ConditionType,
  clusterNotFoundCondition,
  computeRotationDeadline,
  decideMint,
  findCondition,
  invalidSpecCondition,
  tokenReportedCondition,
  validityToExpirationSeconds,
  type ConditionInput,
  type ManagedServiceAccount,
  type MintReason,
  type TokenSecret,
} from '@msa/common';
import { ANNOTATION_REFRESHED_AT, STATUS_LAG_GRACE_MS } from './hub-annotations.js';
import { stableFraction } from './stable-fraction.js';

/** Input of {@link planMsa}. */
export interface MsaPlanInput {
  msa: ManagedServiceAccount;
  /** The hub Secret of the same name, if any. */
  secret: TokenSecret | undefined;
  /** Whether a ManagedCluster named like the MSA's namespace exists. */
  clusterExists: boolean;
  now: Date;
  /** Agent namespace from the worker's last heartbeat, when known. */
  agentNamespace?: string | undefined;
  /** Rotation jitter fraction; default common's 0.05. */
  jitterFraction?: number | undefined;
  /** Whether `ttlSecondsAfterCreation` is honoured (ephemeral identity); default true. */
  ttlEnabled?: boolean | undefined;
}

/** What to do for one MSA. Every field is optional: an empty plan means "nothing". */
export interface MsaPlan {
  /** A condition to set; the writer skips the write when it changes nothing. */
  condition?: ConditionInput;
  /** Enqueue an immediate reconcile. */
  reconcile?: { mintReason: MintReason | null; verify: boolean };
  /** (Re)schedule the delayed rotation job at this time. */
  rotationAt?: Date;
  /** Requested lifetime in seconds (for job payloads), when the validity parses. */
  expirationSeconds?: number;
  /** Delete the MSA at this time (spec.ttlSecondsAfterCreation). */
  deleteAt?: Date;
  /** The hub's own status write is still in flight: plan again at this time if no event comes first. */
  recheckAt?: Date;
}

const HUB_FAILURE_REASONS: readonly string[] = [ConditionReason.ClusterNotFound, ConditionReason.InvalidSpec];

/**
 * Pure planner for one MSA (DESIGN section 4): no cluster → ClusterNotFound condition and no job;
 * invalid validity → InvalidSpec condition and no job; a mint needed (common's `decideMint`) →
 * an immediate reconcile saying why; otherwise only the delayed rotation job at
 * `computeRotationDeadline` with a jitter that is stable per token (so re-planning does not move
 * it), plus restoring `TokenReported=True` when it was False for a reason only the hub sets and
 * that no longer holds.
 */
export function planMsa(input: MsaPlanInput): MsaPlan {
  const { msa, now } = input;
  const namespace = msa.metadata.namespace ?? '';
  const generation = msa.metadata.generation;
  const plan: MsaPlan = {};

  const ttl = msa.spec?.ttlSecondsAfterCreation;
  const created =
    msa.metadata.creationTimestamp === undefined ? NaN : Date.parse(msa.metadata.creationTimestamp);
  if ((input.ttlEnabled ?? true) && ttl !== undefined && ttl > 0 && !Number.isNaN(created)) {
    plan.deleteAt = new Date(created + ttl * 1000);
  }

  if (!input.clusterExists) {
    plan.condition = clusterNotFoundCondition(namespace, generation);
    return plan;
  }

  const validity = validityToExpirationSeconds(msa.spec?.rotation?.validity);
  if (validity.ok) plan.expirationSeconds = validity.seconds;

  // The Secret of a report is written before the status: until the status catches up, the pair
  // is inconsistent and any decision from it would be wrong (a second mint).
  const refreshedAt = input.secret?.metadata.annotations?.[ANNOTATION_REFRESHED_AT];
  if (refreshedAt !== undefined && refreshedAt !== msa.status?.tokenSecretRef?.lastRefreshTimestamp) {
    const written = Date.parse(refreshedAt);
    if (!Number.isNaN(written) && now.getTime() - written < STATUS_LAG_GRACE_MS) {
      plan.recheckAt = new Date(written + STATUS_LAG_GRACE_MS);
      return plan;
    }
  }

  const decision = decideMint({
    msa,
    secret: input.secret,
    now,
    ...(input.agentNamespace === undefined || input.agentNamespace === ''
      ? {}
      : { agentNamespace: input.agentNamespace }),
  });
  if (decision.action === 'invalid') {
    plan.condition = invalidSpecCondition(decision.message, generation);
    delete plan.expirationSeconds;
    return plan;
  }
  if (decision.action === 'mint') {
    plan.reconcile = { mintReason: decision.reason, verify: false };
    return plan;
  }

  const lastRefresh = new Date(msa.status?.tokenSecretRef?.lastRefreshTimestamp ?? 0);
  const expiry = new Date(msa.status?.expirationTimestamp ?? 0);
  plan.rotationAt = computeRotationDeadline({
    lastRefresh,
    expiry,
    ...(input.jitterFraction === undefined ? {} : { jitterFraction: input.jitterFraction }),
    random: () => stableFraction(`${msa.metadata.uid ?? ''}/${lastRefresh.toISOString()}`),
  });
  const reported = findCondition(msa.status?.conditions, ConditionType.TokenReported);
  if (reported !== undefined && reported.status !== 'True' && HUB_FAILURE_REASONS.includes(reported.reason)) {
    plan.condition = tokenReportedCondition(generation);
  }
  return plan;
}
