import { UnrecoverableError } from 'bullmq';
import { Value } from 'typebox/value';
import type { TSchema, Static } from 'typebox';
import {
  DeleteServiceAccountJobSchema,
  ReconcileJobSchema,
  SweepJobSchema,
  type DeleteServiceAccountJobData,
  type ReconcileJobData,
  type SweepJobData,
} from '@msa/common';

function parse<S extends TSchema>(schema: S, kind: string, data: unknown, cluster: string): Static<S> {
  if (!Value.Check(schema, data)) {
    const first = Value.Errors(schema, data)[0];
    const where = first ? `${first.instancePath || '(root)'} ${first.message}` : 'does not match the schema';
    // Retrying a malformed payload can never succeed.
    throw new UnrecoverableError(`malformed ${kind} job: ${where}`);
  }
  const parsed = data as Static<S> & { cluster: string };
  if (parsed.cluster !== cluster) {
    throw new UnrecoverableError(`${kind} job for cluster "${parsed.cluster}" on the queue of "${cluster}"`);
  }
  return parsed;
}

/** Validates a `reconcile` payload for this worker's cluster; throws UnrecoverableError otherwise. */
export const parseReconcileJob = (data: unknown, cluster: string): ReconcileJobData =>
  parse(ReconcileJobSchema, 'reconcile', data, cluster);

/** Validates a `delete-service-account` payload for this worker's cluster. */
export const parseDeleteServiceAccountJob = (data: unknown, cluster: string): DeleteServiceAccountJobData =>
  parse(DeleteServiceAccountJobSchema, 'delete-service-account', data, cluster);

/** Validates a `sweep` payload for this worker's cluster. */
export const parseSweepJob = (data: unknown, cluster: string): SweepJobData =>
  parse(SweepJobSchema, 'sweep', data, cluster);
