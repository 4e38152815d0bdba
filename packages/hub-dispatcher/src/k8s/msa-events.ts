import { randomBytes } from 'node:crypto';
import { MSA_API_VERSION, MSA_KIND, redactJwts, toKubeTime } from '@msa/common';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';

/** Component name on the Events the hub writes. */
export const EVENT_SOURCE = 'msa-hub-dispatcher';

/**
 * Records a core/v1 Event on an MSA. The message goes through `redactJwts`: an Event must never
 * carry a token.
 */
export async function recordMsaEvent(
  rest: KubeRest,
  msa: { namespace: string; name: string; uid: string },
  event: { type: 'Normal' | 'Warning'; reason: string; message: string; now: Date },
): Promise<void> {
  const time = toKubeTime(event.now);
  await rest.create(kubePaths.events(msa.namespace), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${msa.name}.${randomBytes(8).toString('hex')}`, namespace: msa.namespace },
    involvedObject: {
      apiVersion: MSA_API_VERSION,
      kind: MSA_KIND,
      namespace: msa.namespace,
      name: msa.name,
      uid: msa.uid,
    },
    type: event.type,
    reason: event.reason,
    message: redactJwts(event.message),
    source: { component: EVENT_SOURCE },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    reportingComponent: EVENT_SOURCE,
  });
}
