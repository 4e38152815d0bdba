import { KubeConfig } from '@kubernetes/client-node';

/** Where the hub's Kubernetes credentials come from. */
export interface KubeConfigSource {
  /** Path to a kubeconfig file; when absent, `inCluster` or client-node's default search. */
  kubeconfigPath?: string | undefined;
  /** Use the pod's ServiceAccount (`loadFromCluster`, which re-reads the rotated token file). */
  inCluster?: boolean | undefined;
  /** Context to use from the kubeconfig; default its current context. */
  context?: string | undefined;
}

/**
 * Builds the hub KubeConfig: an explicit file, in-cluster, or client-node's default search
 * (`$KUBECONFIG` as given to client-node, `~/.kube/config`, then in-cluster).
 */
export function createKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfigPath !== undefined && source.kubeconfigPath !== '') {
    kc.loadFromFile(source.kubeconfigPath);
  } else if (source.inCluster === true) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (source.context !== undefined && source.context !== '') kc.setCurrentContext(source.context);
  if (kc.getCurrentCluster() === null) {
    throw new Error('no Kubernetes cluster configured: pass --kubeconfig, set KUBECONFIG, or run in-cluster');
  }
  return kc;
}
