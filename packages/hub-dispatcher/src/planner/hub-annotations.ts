import { ANNOTATION_PREFIX } from '@msa/common';

/**
 * On the hub Secret: the `lastRefreshTimestamp` the hub is writing to the MSA status in the
 * same report. The Secret is written first, so for a moment the Secret is new and the cached
 * status old; planning in that window would see e.g. "rotation due" and mint again. While this
 * annotation differs from the status (and is recent), the planner waits for the status event.
 */
export const ANNOTATION_REFRESHED_AT = `${ANNOTATION_PREFIX}refreshed-at`;

/** How long a Secret may be ahead of the status before the planner stops waiting for it. */
export const STATUS_LAG_GRACE_MS = 30_000;
