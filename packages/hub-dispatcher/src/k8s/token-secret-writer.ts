import {
  ANNOTATION_GRANTED_SECONDS,
  ANNOTATION_REQUESTED_SECONDS,
  ANNOTATION_ROTATED_FOR,
  LABEL_MANAGED_SA,
  LABEL_MANAGED_SA_VALUE,
  MSA_API_VERSION,
  MSA_KIND,
  SECRET_CA_KEY,
  SECRET_TOKEN_KEY,
  type ObjectMeta,
} from '@msa/common';
import { ANNOTATION_REFRESHED_AT } from '../planner/hub-annotations.js';
import { KubeApiError } from './kube-api-error.js';
import { kubePaths } from './kube-paths.js';
import type { KubeRest } from './kube-rest.js';

/** A v1 Secret as the hub reads and writes it. */
export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** What a token report asks the hub to store. */
export interface TokenSecretInput {
  namespace: string;
  name: string;
  msaUid: string;
  token: string;
  caBundle: string;
  requestedExpirationSeconds: number;
  grantedExpirationSeconds: number;
  rotateToken?: string | undefined;
  /** The lastRefreshTimestamp the status write that follows will carry. */
  refreshedAt: string;
}

/**
 * Pure: the Secret to write for a token report (UPSTREAM-BEHAVIOR "The hub Secret"): type
 * `Opaque` only when created (an existing Secret keeps its type); data exactly `token` and
 * `ca.crt`; the managed label added, other labels and annotations kept; ownerReferences replaced
 * by exactly one reference to the MSA (v1beta1, no controller flag); our requested / granted /
 * rotated-for annotations in the same write.
 */
export function buildTokenSecret(existing: SecretObject | undefined, input: TokenSecretInput): SecretObject {
  const annotations: Record<string, string> = {
    ...(existing?.metadata.annotations ?? {}),
    [ANNOTATION_REQUESTED_SECONDS]: String(input.requestedExpirationSeconds),
    [ANNOTATION_GRANTED_SECONDS]: String(input.grantedExpirationSeconds),
    [ANNOTATION_REFRESHED_AT]: input.refreshedAt,
  };
  if (input.rotateToken !== undefined) annotations[ANNOTATION_ROTATED_FOR] = input.rotateToken;
  const metadata: ObjectMeta = {
    ...(existing?.metadata ?? {}),
    name: input.name,
    namespace: input.namespace,
    labels: { ...(existing?.metadata.labels ?? {}), [LABEL_MANAGED_SA]: LABEL_MANAGED_SA_VALUE },
    annotations,
    ownerReferences: [{ apiVersion: MSA_API_VERSION, kind: MSA_KIND, name: input.name, uid: input.msaUid }],
  };
  const secret: SecretObject = {
    ...(existing ?? {}),
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: existing?.type ?? 'Opaque',
    data: {
      [SECRET_TOKEN_KEY]: Buffer.from(input.token, 'utf8').toString('base64'),
      [SECRET_CA_KEY]: Buffer.from(input.caBundle, 'utf8').toString('base64'),
    },
  };
  // stringData would be merged into data by the server; drop any copy read back.
  delete secret.stringData;
  return secret;
}

/**
 * Creates or replaces the token Secret, conflict-safe: a replace carries the resourceVersion it
 * was built from, and a 409 (someone else wrote, or it was created meanwhile) re-reads and
 * retries. One write on the happy path.
 */
export async function writeTokenSecret(
  rest: KubeRest,
  input: TokenSecretInput,
  options: { maxAttempts?: number; existing?: SecretObject | undefined } = {},
): Promise<SecretObject> {
  const maxAttempts = options.maxAttempts ?? 5;
  let existing: SecretObject | undefined =
    'existing' in options
      ? options.existing
      : await rest.getOptional<SecretObject>(kubePaths.secret(input.namespace, input.name));
  for (let attempt = 1; ; attempt += 1) {
    const body = buildTokenSecret(existing, input);
    try {
      if (existing === undefined)
        return await rest.create<SecretObject>(kubePaths.secrets(input.namespace), body);
      return await rest.replace<SecretObject>(kubePaths.secret(input.namespace, input.name), body);
    } catch (err) {
      const retry =
        err instanceof KubeApiError &&
        (err.statusCode === 409 || (err.statusCode === 404 && existing !== undefined));
      if (!retry || attempt >= maxAttempts) throw err;
      existing = await rest.getOptional<SecretObject>(kubePaths.secret(input.namespace, input.name));
    }
  }
}

/** Reads the token stored in a Secret (`undefined` when absent). Never log the result. */
export function readStoredToken(secret: SecretObject | undefined): string | undefined {
  const encoded = secret?.data?.[SECRET_TOKEN_KEY];
  if (encoded === undefined || encoded === '') return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8');
}
