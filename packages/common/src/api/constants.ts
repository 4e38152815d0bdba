/** API group of the ManagedServiceAccount resource (upstream OCM addon). */
export const API_GROUP = 'authentication.open-cluster-management.io';
/** Kind of the ManagedServiceAccount resource. */
export const MSA_KIND = 'ManagedServiceAccount';
/** Plural resource name used in API paths. */
export const MSA_PLURAL = 'managedserviceaccounts';
/** Singular resource name. */
export const MSA_SINGULAR = 'managedserviceaccount';
/** Short names accepted by kubectl. */
export const MSA_SHORT_NAMES: readonly string[] = Object.freeze(['msa']);
/** The storage version; upstream stores v1beta1. */
export const MSA_STORAGE_VERSION = 'v1beta1';
/** All served versions, storage version first. v1alpha1 is deprecated but still served upstream. */
export const MSA_VERSIONS: readonly ['v1beta1', 'v1alpha1'] = Object.freeze(['v1beta1', 'v1alpha1'] as const);
/** Served MSA versions as a union type. */
export type MsaVersion = (typeof MSA_VERSIONS)[number];
/** `apiVersion` of the storage version, e.g. for owner references (upstream uses v1beta1). */
export const MSA_API_VERSION = `${API_GROUP}/${MSA_STORAGE_VERSION}`;

/** API group of OCM's ManagedCluster. */
export const CLUSTER_API_GROUP = 'cluster.open-cluster-management.io';
/** Kind of OCM's ManagedCluster (cluster-scoped). */
export const CLUSTER_KIND = 'ManagedCluster';
/** Plural resource name of ManagedCluster. */
export const CLUSTER_PLURAL = 'managedclusters';
/** Version of ManagedCluster we read. */
export const CLUSTER_VERSION = 'v1';

/**
 * Label put on the hub token Secret and on spoke ServiceAccounts the worker creates; value `"true"`.
 * Upstream uses the same key, so existing selectors keep working.
 */
export const LABEL_MANAGED_SA = 'authentication.open-cluster-management.io/is-managed-serviceaccount';
/** Value of {@link LABEL_MANAGED_SA}. */
export const LABEL_MANAGED_SA_VALUE = 'true';

/** Prefix of this project's own annotation keys. */
export const ANNOTATION_PREFIX = 'msa-queue.io/';
/** On the Secret: the lifetime (seconds) requested at mint time. Compared with validity to spot changes. */
export const ANNOTATION_REQUESTED_SECONDS = `${ANNOTATION_PREFIX}requested-expiration-seconds`;
/** On the Secret: the lifetime (seconds) the spoke actually granted. */
export const ANNOTATION_GRANTED_SECONDS = `${ANNOTATION_PREFIX}granted-expiration-seconds`;
/** On the MSA: set or change to any value to force a new token. */
export const ANNOTATION_ROTATE = `${ANNOTATION_PREFIX}rotate`;
/** On the Secret: the {@link ANNOTATION_ROTATE} value the current token answered. */
export const ANNOTATION_ROTATED_FOR = `${ANNOTATION_PREFIX}rotated-for`;

/** Default namespace on the spoke where the ServiceAccounts live (upstream default). */
export const DEFAULT_AGENT_NAMESPACE = 'open-cluster-management-agent-addon';
/** Default name of the hub ServiceAccount (in namespace `<cluster>`) a worker authenticates as. */
export const DEFAULT_WORKER_SA_NAME = 'managed-serviceaccount-worker';
/** Default `spec.rotation.validity` (upstream default, 360 days). */
export const DEFAULT_VALIDITY = '8640h0m0s';
/** {@link DEFAULT_VALIDITY} in whole seconds. */
export const DEFAULT_VALIDITY_SECONDS = 31_104_000;

/** Key of the JWT in the hub Secret's data (upstream). */
export const SECRET_TOKEN_KEY = 'token';
/** Key of the spoke API server CA bundle in the hub Secret's data (upstream). */
export const SECRET_CA_KEY = 'ca.crt';
