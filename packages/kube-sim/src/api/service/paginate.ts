import { ApiError, StatusReason, expired } from '../status-error.js';
import type { JsonObject, KubeObject } from '../types.js';
import type { ListOptions } from './list-options.js';
import { decodeContinue, encodeContinue } from './list-options.js';

const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Where a list starts: after `start` (`namespace/name`), reported at `revision`. */
export interface ListStart {
  start: string;
  revision: number;
}

/**
 * Decide where a list starts, as the storage layer does: a continue token resumes after its key
 * at its revision (410 when the revision is compacted); `resourceVersionMatch=Exact` with a
 * compacted revision is 410 too (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go).
 */
export function resolveListStart(
  options: ListOptions,
  currentRevision: number,
  oldestResumable: number,
): ListStart {
  if (options.continueToken) {
    const token = decodeContinue(options.continueToken);
    if (!token)
      throw new ApiError(400, StatusReason.BadRequest, 'continue key is not valid: illegal base64 data');
    if (token.rv < oldestResumable) throw expired(CONTINUE_TOO_OLD);
    return { start: token.start, revision: token.rv };
  }
  if (
    options.resourceVersion &&
    options.resourceVersion !== '0' &&
    options.resourceVersionMatch === 'Exact'
  ) {
    const rv = Number(options.resourceVersion);
    if (rv < oldestResumable) throw expired(`too old resource version: ${rv} (${oldestResumable + 1})`);
  }
  return { start: '', revision: currentRevision };
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Cut one page out of sorted objects; the list metadata carries continue and remainingItemCount. */
export function paginate(
  sorted: KubeObject[],
  from: ListStart,
  limit: number | undefined,
): { items: KubeObject[]; metadata: JsonObject } {
  const after = from.start ? sorted.filter((o) => keyOf(o) > from.start) : sorted;
  const metadata: JsonObject = { resourceVersion: String(from.revision) };
  if (limit === undefined || limit <= 0 || after.length <= limit) return { items: after, metadata };
  const page = after.slice(0, limit);
  const last = page[page.length - 1];
  metadata.continue = encodeContinue(from.revision, last ? keyOf(last) : '');
  metadata.remainingItemCount = after.length - limit;
  return { items: page, metadata };
}
