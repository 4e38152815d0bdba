import {
  CLUSTER_API_GROUP,
  CLUSTER_KIND,
  CLUSTER_VERSION,
  DEFAULT_WORKER_SA_NAME,
  ErrorCode,
  MsaError,
  isDns1123Label,
} from '@msa/common';
import { KubeApiError } from './kube-api-error.js';
import { toMsaError } from './kube-errors.js';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';
import { missingCrdMessage } from './crds.js';

/** Output formats of `msa-hub register-cluster`. */
export type RegistrationOutput = 'json' | 'env';

/** Input of {@link registerCluster}. */
export interface RegisterClusterInput {
  cluster: string;
  hubUrl: string;
  /** PEM of the CA that signed the hub API certificate. */
  hubCaPem?: string | undefined;
  /** Lifetime of the worker's first credential; default 86 400 s (the worker renews it). */
  credentialSeconds?: number | undefined;
  workerServiceAccountName?: string | undefined;
}

/** What a worker needs to start (printed by the CLI). Contains a credential: print, never log. */
export interface Registration {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  hubUrl: string;
  hubCaPem: string | null;
  token: string;
  tokenExpirationTimestamp: string;
  created: string[];
}

async function createIfMissing(
  rest: KubeRest,
  getPath: string,
  createPath: string,
  body: unknown,
): Promise<boolean> {
  if ((await rest.getOptional(getPath)) !== undefined) return false;
  try {
    await rest.create(createPath, body);
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 409) return false;
    throw err;
  }
}

/**
 * Registers a managed cluster on the hub: its namespace and `ManagedCluster` (when missing), the
 * worker's hub ServiceAccount, and a first credential for it (TokenRequest).
 */
export async function registerCluster(rest: KubeRest, input: RegisterClusterInput): Promise<Registration> {
  const problems = isDns1123Label(input.cluster);
  if (problems.length > 0) {
    throw new MsaError(
      ErrorCode.InvalidRequestBody,
      `cluster name ${JSON.stringify(input.cluster)}: ${problems.join('; ')}`,
    );
  }
  const seconds = input.credentialSeconds ?? 86_400;
  if (!Number.isInteger(seconds) || seconds < 600) {
    throw new MsaError(ErrorCode.InvalidRequestBody, '--credential-seconds must be a whole number >= 600');
  }
  const sa = input.workerServiceAccountName ?? DEFAULT_WORKER_SA_NAME;
  const created: string[] = [];
  try {
    if (
      await createIfMissing(rest, kubePaths.namespace(input.cluster), kubePaths.namespaces(), {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: input.cluster },
      })
    ) {
      created.push(`namespace/${input.cluster}`);
    }
    try {
      if (
        await createIfMissing(rest, kubePaths.cluster(input.cluster), kubePaths.clusters(), {
          apiVersion: `${CLUSTER_API_GROUP}/${CLUSTER_VERSION}`,
          kind: CLUSTER_KIND,
          metadata: { name: input.cluster },
          spec: { hubAcceptsClient: true },
        })
      ) {
        created.push(`managedcluster/${input.cluster}`);
      }
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) {
        throw new MsaError(
          ErrorCode.ConfigInvalid,
          missingCrdMessage([`managedclusters.${CLUSTER_API_GROUP}`]),
        );
      }
      throw err;
    }
    if (
      await createIfMissing(
        rest,
        kubePaths.serviceAccount(input.cluster, sa),
        kubePaths.serviceAccounts(input.cluster),
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: sa, namespace: input.cluster },
        },
      )
    ) {
      created.push(`serviceaccount/${input.cluster}/${sa}`);
    }
    const answer = await rest.create<{ status?: { token?: string; expirationTimestamp?: string } }>(
      kubePaths.serviceAccountToken(input.cluster, sa),
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
    );
    if (answer.status?.token === undefined || answer.status.expirationTimestamp === undefined) {
      throw new MsaError(ErrorCode.Internal, 'the hub API server answered a TokenRequest without a token');
    }
    return {
      clusterName: input.cluster,
      namespace: input.cluster,
      serviceAccount: sa,
      hubUrl: input.hubUrl,
      hubCaPem: input.hubCaPem ?? null,
      token: answer.status.token,
      tokenExpirationTimestamp: new Date(answer.status.expirationTimestamp).toISOString(),
      created,
    };
  } catch (err) {
    throw toMsaError(err, `registering cluster ${input.cluster}`);
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Formats a registration: JSON (default), or `KEY='value'` lines a shell can `eval`/source, named
 * like the worker's environment (`MSA_CLUSTER_NAME`, `MSA_HUB_URL`) plus `MSA_HUB_CA_PEM` and
 * `MSA_HUB_TOKEN` for the script to write into the worker's CA and credential files.
 */
export function formatRegistration(reg: Registration, output: RegistrationOutput): string {
  if (output === 'json') return `${JSON.stringify(reg, null, 2)}\n`;
  const lines = [
    ['MSA_CLUSTER_NAME', reg.clusterName],
    ['MSA_HUB_URL', reg.hubUrl],
    ['MSA_HUB_CA_PEM', reg.hubCaPem ?? ''],
    ['MSA_HUB_TOKEN', reg.token],
    ['MSA_HUB_TOKEN_EXPIRATION', reg.tokenExpirationTimestamp],
  ];
  return lines.map(([k, v]) => `${k ?? ''}=${shellQuote(v ?? '')}`).join('\n') + '\n';
}
