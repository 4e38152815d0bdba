/**
 * kube-sim: an in-memory Kubernetes API server that kubectl and @kubernetes/client-node accept
 * unchanged. Start one with {@link startCluster}.
 */
export {
  startCluster,
  type ClusterCounters,
  type SimCluster,
  type StartClusterOptions,
} from './cluster/start-cluster.js';
export { renderKubeconfig, writeFileAtomic, type KubeconfigParams } from './cluster/kubeconfig.js';
export { FaultController, type FaultMatch, type FaultRule } from './faults/fault-controller.js';
export type { CountFilter, CountedRequest } from './faults/request-counters.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './api/types.js';
export {
  createCertificateAuthority,
  issueServingCertificate,
  type CertificateAuthority,
  type ServingCertificate,
} from './auth/pki.js';
