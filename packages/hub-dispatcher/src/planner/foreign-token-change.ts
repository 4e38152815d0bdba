import { SECRET_TOKEN_KEY, type TokenSecret } from '@msa/common';
import { ANNOTATION_REFRESHED_AT } from './hub-annotations.js';

/**
 * Pure: true when a Secret update changed the token but not our `refreshed-at` annotation, i.e.
 * someone other than the hub's report path wrote the token (drift: tampered, restored from a
 * backup, copied from another cluster). Every hub write of a token sets a new `refreshed-at`.
 */
export function isForeignTokenChange(old: TokenSecret, next: TokenSecret): boolean {
  const tokenChanged = old.data?.[SECRET_TOKEN_KEY] !== next.data?.[SECRET_TOKEN_KEY];
  const sameWrite =
    old.metadata.annotations?.[ANNOTATION_REFRESHED_AT] ===
    next.metadata.annotations?.[ANNOTATION_REFRESHED_AT];
  return tokenChanged && sameWrite && next.data?.[SECRET_TOKEN_KEY] !== undefined;
}
