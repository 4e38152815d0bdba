import type { MsaVersion } from './constants.js';

/** A Kubernetes owner reference (the fields we write and read). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The subset of Kubernetes ObjectMeta this project uses. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** Condition status values (metav1.ConditionStatus). */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
/** Condition status union. */
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** A metav1.Condition. `lastTransitionTime` is RFC 3339 (seconds precision). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** `spec.rotation`; both fields default on the API server (enabled true, validity 8640h0m0s). */
export interface RotationSpec {
  /** Deprecated and ignored upstream: every token rotates. Default `true`. */
  enabled?: boolean;
  /** Go duration string; requested token lifetime. Default `8640h0m0s`. */
  validity?: string;
}

/** ManagedServiceAccount spec (same in v1beta1 and v1alpha1). */
export interface ManagedServiceAccountSpec {
  rotation: RotationSpec;
  /** Delete the MSA this many seconds after creation (> 0). */
  ttlSecondsAfterCreation?: number;
}

/** Reference to the hub Secret holding the token. */
export interface TokenSecretRef {
  name: string;
  lastRefreshTimestamp: string;
}

/** ManagedServiceAccount status (same in v1beta1 and v1alpha1). */
export interface ManagedServiceAccountStatus {
  conditions?: Condition[];
  /** Expiry of the current token as granted by the spoke (RFC 3339). */
  expirationTimestamp?: string;
  tokenSecretRef?: TokenSecretRef;
}

/** A ManagedServiceAccount as read from either served version; only `apiVersion` differs. */
export interface ManagedServiceAccount {
  apiVersion: `authentication.open-cluster-management.io/${MsaVersion}`;
  kind: 'ManagedServiceAccount';
  metadata: ObjectMeta;
  /** Optional on read: `spec` may be absent entirely (only `spec: {}` is rejected). */
  spec?: ManagedServiceAccountSpec;
  status?: ManagedServiceAccountStatus;
}

/** The subset of a v1 Secret used for the hub token Secret. `data` values are base64. */
export interface TokenSecret {
  apiVersion?: 'v1';
  kind?: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}
