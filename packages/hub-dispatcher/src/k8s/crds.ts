import {
  API_GROUP,
  CLUSTER_API_GROUP,
  CLUSTER_PLURAL,
  ErrorCode,
  MSA_PLURAL,
  MsaError,
  crdManifests,
  type JsonObject,
} from '@msa/common';
import { KubeApiError } from './kube-api-error.js';
import type { KubeRest } from './kube-rest.js';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Names of the CRDs the hub needs. */
export const REQUIRED_CRDS: readonly string[] = Object.freeze([
  `${MSA_PLURAL}.${API_GROUP}`,
  `${CLUSTER_PLURAL}.${CLUSTER_API_GROUP}`,
]);

interface CrdStatusView {
  status?: { conditions?: { type?: string; status?: string }[] };
}

function isEstablished(crd: CrdStatusView | undefined): boolean {
  return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
}

/** State of one required CRD on the hub. */
export type CrdState = 'missing' | 'pending' | 'established';

/** Reads the state of every required CRD. */
export async function readCrdStates(rest: KubeRest): Promise<Map<string, CrdState>> {
  const states = new Map<string, CrdState>();
  for (const name of REQUIRED_CRDS) {
    const crd = await rest.getOptional<CrdStatusView>(`${CRD_PATH}/${name}`);
    states.set(name, crd === undefined ? 'missing' : isEstablished(crd) ? 'established' : 'pending');
  }
  return states;
}

/** The message that tells an operator what to install. */
export function missingCrdMessage(names: readonly string[]): string {
  return names
    .map(
      (name) =>
        `CRD ${name} is not installed on the hub: run \`msa-hub install-crds\` or apply the CRD bundle (helm/crds or the manifests exported by @msa/common)`,
    )
    .join('; ');
}

/**
 * Refuses to start when a required CRD is missing, and waits (polling) for pending ones to
 * become Established, because a watch opened before that fails (ECOSYSTEM-NOTES).
 */
export async function requireCrds(
  rest: KubeRest,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const states = await readCrdStates(rest);
    const missing = [...states].filter(([, s]) => s === 'missing').map(([n]) => n);
    if (missing.length > 0) throw new MsaError(ErrorCode.ConfigInvalid, missingCrdMessage(missing));
    if ([...states.values()].every((s) => s === 'established')) return;
    if (Date.now() > deadline) {
      throw new MsaError(ErrorCode.KubeUnavailable, 'hub CRDs exist but did not become Established in time');
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/**
 * Creates or updates the project's CRDs (sent as plain JSON, so `x-kubernetes-preserve-unknown-fields`
 * survives) and waits until each is Established. Returns the names and what was done.
 */
export async function installCrds(
  rest: KubeRest,
  options: { timeoutMs?: number } = {},
): Promise<{ name: string; action: 'created' | 'updated' }[]> {
  const results: { name: string; action: 'created' | 'updated' }[] = [];
  for (const manifest of crdManifests) {
    const body = JSON.parse(JSON.stringify(manifest)) as JsonObject & {
      metadata: { name: string; resourceVersion?: string };
    };
    const name = body.metadata.name;
    const existing = await rest.getOptional<{ metadata?: { resourceVersion?: string } }>(
      `${CRD_PATH}/${name}`,
    );
    if (existing === undefined) {
      try {
        await rest.create(CRD_PATH, body);
        results.push({ name, action: 'created' });
        continue;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.statusCode === 409)) throw err;
      }
    }
    const current = await rest.get<{ metadata?: { resourceVersion?: string } }>(`${CRD_PATH}/${name}`);
    body.metadata.resourceVersion = current.metadata?.resourceVersion;
    await rest.replace(`${CRD_PATH}/${name}`, body);
    results.push({ name, action: 'updated' });
  }
  await requireCrds(rest, { timeoutMs: options.timeoutMs ?? 60_000 });
  return results;
}
