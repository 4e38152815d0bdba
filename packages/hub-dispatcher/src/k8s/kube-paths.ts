import {
  API_GROUP,
  CLUSTER_API_GROUP,
  CLUSTER_PLURAL,
  CLUSTER_VERSION,
  MSA_PLURAL,
  MSA_STORAGE_VERSION,
} from '@msa/common';

/** REST paths of the hub objects the dispatcher reads and writes. */
export const kubePaths = {
  msaAll: (): string => `/apis/${API_GROUP}/${MSA_STORAGE_VERSION}/${MSA_PLURAL}`,
  msas: (namespace: string): string =>
    `/apis/${API_GROUP}/${MSA_STORAGE_VERSION}/namespaces/${encodeURIComponent(namespace)}/${MSA_PLURAL}`,
  msa: (namespace: string, name: string): string =>
    `${kubePaths.msas(namespace)}/${encodeURIComponent(name)}`,
  msaStatus: (namespace: string, name: string): string => `${kubePaths.msa(namespace, name)}/status`,
  clusters: (): string => `/apis/${CLUSTER_API_GROUP}/${CLUSTER_VERSION}/${CLUSTER_PLURAL}`,
  cluster: (name: string): string => `${kubePaths.clusters()}/${encodeURIComponent(name)}`,
  secretAll: (): string => '/api/v1/secrets',
  secrets: (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
  secret: (namespace: string, name: string): string =>
    `${kubePaths.secrets(namespace)}/${encodeURIComponent(name)}`,
  namespaces: (): string => '/api/v1/namespaces',
  namespace: (name: string): string => `/api/v1/namespaces/${encodeURIComponent(name)}`,
  serviceAccounts: (namespace: string): string =>
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`,
  serviceAccount: (namespace: string, name: string): string =>
    `${kubePaths.serviceAccounts(namespace)}/${encodeURIComponent(name)}`,
  serviceAccountToken: (namespace: string, name: string): string =>
    `${kubePaths.serviceAccount(namespace, name)}/token`,
  events: (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
  leaseAll: (): string => '/apis/coordination.k8s.io/v1/leases',
  leases: (namespace: string): string =>
    `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`,
  lease: (namespace: string, name: string): string =>
    `${kubePaths.leases(namespace)}/${encodeURIComponent(name)}`,
  tokenReviews: (): string => '/apis/authentication.k8s.io/v1/tokenreviews',
} as const;
