import type { Condition } from '../api/types.js';

/** A condition to set; `lastTransitionTime` is decided by {@link setCondition}. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Formats a Date as Kubernetes writes `metav1.Time`: RFC 3339 in UTC with whole seconds. */
export function toKubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Finds a condition by type. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Returns a new list with `next` set. Like apimachinery's `meta.SetStatusCondition`,
 * `lastTransitionTime` is kept unless `status` flips (upstream behaviour); reason, message and
 * observedGeneration are always updated. Other conditions keep their order; a new type is appended.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionInput,
  now: Date,
): Condition[] {
  const list = conditions ?? [];
  const index = list.findIndex((c) => c.type === next.type);
  const existing = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    existing !== undefined && existing.status === next.status ? existing.lastTransitionTime : toKubeTime(now);
  const merged: Condition = { ...next, lastTransitionTime };
  if (merged.observedGeneration === undefined) delete merged.observedGeneration;
  if (existing === undefined) return [...list, merged];
  return list.map((c, i) => (i === index ? merged : c));
}

/** True when two condition lists say the same thing (order-insensitive), so a status write can be skipped. */
export function conditionsEqual(
  a: readonly Condition[] | undefined,
  b: readonly Condition[] | undefined,
): boolean {
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  return left.every((c) => {
    const other = findCondition(right, c.type);
    return (
      other !== undefined &&
      other.status === c.status &&
      other.reason === c.reason &&
      other.message === c.message &&
      other.lastTransitionTime === c.lastTransitionTime &&
      other.observedGeneration === c.observedGeneration
    );
  });
}
