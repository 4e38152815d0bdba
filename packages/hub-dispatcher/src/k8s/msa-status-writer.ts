import {
  ConditionType,
  ErrorCode,
  MsaError,
  conditionsEqual,
  findCondition,
  secretCreatedCondition,
  setCondition,
  toKubeTime,
  tokenReportedCondition,
  workerAvailableCondition,
  type ConditionInput,
  type ManagedServiceAccount,
  type ManagedServiceAccountStatus,
} from '@msa/common';
import { KubeApiError } from './kube-api-error.js';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';

/**
 * Pure: the status after a successful token report. SecretCreated and TokenReported True (empty
 * message, upstream), expirationTimestamp = granted expiry, tokenSecretRef {name, now}. A report
 * proves the worker is alive, so WorkerAvailable becomes True in the same write when it was not.
 */
export function statusAfterTokenReport(
  msa: ManagedServiceAccount,
  report: { expirationTimestamp: Date; secretName: string },
  now: Date,
): ManagedServiceAccountStatus {
  const generation = msa.metadata.generation;
  let conditions = setCondition(msa.status?.conditions, secretCreatedCondition(generation), now);
  conditions = setCondition(conditions, tokenReportedCondition(generation), now);
  if (findCondition(conditions, ConditionType.WorkerAvailable)?.status !== 'True') {
    conditions = setCondition(conditions, workerAvailableCondition(), now);
  }
  return {
    ...(msa.status ?? {}),
    conditions,
    expirationTimestamp: toKubeTime(report.expirationTimestamp),
    tokenSecretRef: { name: report.secretName, lastRefreshTimestamp: toKubeTime(now) },
  };
}

/**
 * Pure: the status with one condition set, or `undefined` when that changes nothing (so the
 * caller never writes an unchanged status).
 */
export function statusWithCondition(
  msa: ManagedServiceAccount,
  condition: ConditionInput,
  now: Date,
): ManagedServiceAccountStatus | undefined {
  const conditions = setCondition(msa.status?.conditions, condition, now);
  if (conditionsEqual(conditions, msa.status?.conditions)) return undefined;
  return { ...(msa.status ?? {}), conditions };
}

/** Result of {@link updateMsaStatus}. */
export interface StatusUpdateResult {
  written: boolean;
  msa: ManagedServiceAccount;
}

/**
 * Writes the MSA status through the `/status` subresource with an update that carries the
 * resourceVersion it was computed from; a 409 re-reads and recomputes. `mutate` returns
 * `undefined` for "nothing to change" (no write). Refuses to touch an MSA whose uid differs from
 * `uid` (deleted and recreated meanwhile).
 */
export async function updateMsaStatus(
  rest: KubeRest,
  ref: { namespace: string; name: string; uid?: string | undefined },
  mutate: (msa: ManagedServiceAccount) => ManagedServiceAccountStatus | undefined,
  options: { current?: ManagedServiceAccount; maxAttempts?: number } = {},
): Promise<StatusUpdateResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  let msa = options.current ?? (await readMsa(rest, ref.namespace, ref.name));
  for (let attempt = 1; ; attempt += 1) {
    if (ref.uid !== undefined && msa.metadata.uid !== ref.uid) {
      throw new MsaError(
        ErrorCode.MsaUidMismatch,
        `ManagedServiceAccount ${ref.namespace}/${ref.name} has uid ${msa.metadata.uid ?? ''}, not ${ref.uid}`,
      );
    }
    const next = mutate(msa);
    if (next === undefined) return { written: false, msa };
    try {
      const body = { ...msa, status: next };
      const written = await rest.replace<ManagedServiceAccount>(
        kubePaths.msaStatus(ref.namespace, ref.name),
        body,
      );
      return { written: true, msa: written };
    } catch (err) {
      if (!(err instanceof KubeApiError && err.statusCode === 409) || attempt >= maxAttempts) throw err;
      msa = await readMsa(rest, ref.namespace, ref.name);
    }
  }
}

/** Reads an MSA; a 404 becomes MSA_ERR_MSA_NOT_FOUND. */
export async function readMsa(
  rest: KubeRest,
  namespace: string,
  name: string,
): Promise<ManagedServiceAccount> {
  const msa = await rest.getOptional<ManagedServiceAccount>(kubePaths.msa(namespace, name));
  if (msa === undefined) {
    throw new MsaError(ErrorCode.MsaNotFound, `ManagedServiceAccount ${namespace}/${name} does not exist`);
  }
  return msa;
}
