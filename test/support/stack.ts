import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack, type StackOptions } from '../../scripts/lib/stack.js';
import {
  httpsJson,
  kubeRequest,
  waitFor,
  type ClusterAccess,
  type JsonAnswer,
} from '../../scripts/lib/kube.js';

export { waitFor, httpsJson, kubeRequest, type Stack, type ClusterAccess, type JsonAnswer };

/**
 * Environment variables that point the end-to-end suite at existing clusters (admin
 * kubeconfigs). When one is absent, a kube-sim process is started for that cluster and the
 * variable is set to its kubeconfig, so later code reads clusters from one place.
 */
export const E2E_KUBECONFIG_ENV = {
  hub: 'MSA_E2E_HUB_KUBECONFIG',
  cluster1: 'MSA_E2E_SPOKE1_KUBECONFIG',
  cluster2: 'MSA_E2E_SPOKE2_KUBECONFIG',
} as const;

/** The agent namespace the e2e workers use (the default). */
export const AGENT_NS = 'open-cluster-management-agent-addon';

/**
 * Starts one full stack for a test file: Redis from the e2e global setup (a database number of
 * its own, so files never see each other's queues), clusters from {@link E2E_KUBECONFIG_ENV} or
 * kube-sim CLI processes, then `msa-hub` and `msa-worker` processes through their CLIs.
 */
export async function startE2eStack(
  redisUrl: string,
  redisDb: number,
  options: Omit<StackOptions, 'dir' | 'redisUrl' | 'kubeconfigs' | 'spokes'> = {},
): Promise<Stack> {
  const env = process.env;
  const stack = await startStack({
    ...options,
    dir: mkdtempSync(join(tmpdir(), 'msa-e2e-')),
    redisUrl: `${redisUrl}/${redisDb}`,
    spokes: ['cluster1', 'cluster2'],
    kubeconfigs: {
      hub: env[E2E_KUBECONFIG_ENV.hub],
      spokes: { cluster1: env[E2E_KUBECONFIG_ENV.cluster1], cluster2: env[E2E_KUBECONFIG_ENV.cluster2] },
    },
  });
  env[E2E_KUBECONFIG_ENV.hub] = stack.hub.kubeconfigPath;
  env[E2E_KUBECONFIG_ENV.cluster1] = stack.spokes['cluster1']?.kubeconfigPath;
  env[E2E_KUBECONFIG_ENV.cluster2] = stack.spokes['cluster2']?.kubeconfigPath;
  return stack;
}

/** Undoes the env settings of {@link startE2eStack} for clusters it simulated, then stops the stack. */
export async function stopE2eStack(stack: Stack | undefined): Promise<void> {
  if (stack === undefined) return;
  for (const [name, key] of Object.entries(E2E_KUBECONFIG_ENV)) {
    if (stack.simulated.has(name)) delete process.env[key];
  }
  await stack.stop();
}

/** Number of requests a kube-sim cluster served matching `filter` (its `/__sim/counters` route). */
export async function simCount(cluster: ClusterAccess, filter: Record<string, string>): Promise<number> {
  const res = await kubeRequest(cluster, 'GET', `/__sim/counters?${new URLSearchParams(filter).toString()}`);
  if (res.status !== 200) throw new Error(`/__sim/counters: HTTP ${res.status} ${res.text}`);
  return (res.body as { count: number }).count;
}

/** Write requests (create, update, patch, delete) a kube-sim cluster served under `pathPrefix`. */
export async function simWrites(cluster: ClusterAccess, pathPrefix: string): Promise<number> {
  const counts = await Promise.all(
    ['create', 'update', 'patch', 'delete'].map((verb) => simCount(cluster, { pathPrefix, verb })),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Adds a fault on a kube-sim cluster (`/__sim/faults`); returns its id. */
export async function simFault(cluster: ClusterAccess, body: Record<string, unknown>): Promise<number> {
  const res = await kubeRequest(cluster, 'POST', '/__sim/faults', body);
  if (res.status !== 201) throw new Error(`/__sim/faults: HTTP ${res.status} ${res.text}`);
  return (res.body as { id: number }).id;
}

/** Removes a kube-sim fault. */
export async function simClearFault(cluster: ClusterAccess, id: number): Promise<void> {
  await kubeRequest(cluster, 'DELETE', `/__sim/faults?id=${id}`);
}

/** Status of a condition of an object, e.g. `conditionOf(msa, 'TokenReported')`. */
export function conditionOf(
  obj: unknown,
  type: string,
): { status?: string; reason?: string; message?: string } | undefined {
  const conditions = (
    obj as {
      status?: { conditions?: { type: string; status?: string; reason?: string; message?: string }[] };
    }
  )?.status?.conditions;
  return conditions?.find((c) => c.type === type);
}

/** Asks `server` (verified with `caPem`) who `token` is: the username, or the HTTP status when refused. */
export async function whoAmI(server: string, caPem: string, token: string): Promise<string | number> {
  const res = await httpsJson(
    server,
    caPem,
    token,
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    },
  );
  if (res.status !== 201 && res.status !== 200) return res.status;
  return (
    (res.body as { status?: { userInfo?: { username?: string } } }).status?.userInfo?.username ?? res.status
  );
}

/** API group of ManagedServiceAccounts (also the prefix of the managed label). */
export const MSA_GROUP = 'authentication.open-cluster-management.io';

/** Hub path of one MSA. */
export const msaPath = (ns: string, name: string, version = 'v1beta1'): string =>
  `/apis/${MSA_GROUP}/${version}/namespaces/${ns}/managedserviceaccounts/${name}`;

/** Path of one Secret. */
export const secretPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/secrets/${name}`;

/** Spoke path of one ServiceAccount (the agent namespace by default). */
export const saPath = (name: string, ns = AGENT_NS): string =>
  `/api/v1/namespaces/${ns}/serviceaccounts/${name}`;

/** Headers of a JSON merge patch. */
export const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

/** The username a token minted for MSA `name` authenticates as. */
export const expectedUser = (name: string, ns = AGENT_NS): string => `system:serviceaccount:${ns}:${name}`;

/** Base64 of a string (Secret `data` values). */
export const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** The string a Secret `data` value encodes ('' when absent). */
export const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');

/** One spoke of a stack, failing loudly when the stack has no such cluster. */
export function spokeOf(stack: Stack, name: string): Stack['spokes'][string] {
  const s = stack.spokes[name];
  if (s === undefined) throw new Error(`the stack has no spoke ${name}`);
  return s;
}
