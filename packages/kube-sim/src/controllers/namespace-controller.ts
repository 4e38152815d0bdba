import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceService } from '../api/service/resource-service.js';
import { resourceKey } from '../api/resource-type.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { WorkQueue } from './work-queue.js';

const NS_KEY = resourceKey('', 'namespaces');
const SA_KEY = resourceKey('', 'serviceaccounts');
const CM_KEY = resourceKey('', 'configmaps');
/** Name of the ConfigMap with the cluster CA that every namespace gets (root-ca-cert-publisher). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/**
 * The namespace-related controllers of kube-controller-manager: the serviceaccounts controller
 * (SA `default` in every namespace), the root-ca-cert-publisher (`kube-root-ca.crt`), and the
 * namespace controller (a terminating namespace loses its contents, then goes away).
 */
export class NamespaceController {
  private readonly unsubscribe: () => void;
  private readonly queue = new WorkQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly service: ResourceService,
    private readonly caPem: string,
  ) {
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Stop reacting to changes. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  /** Make sure a namespace has its SA `default` and `kube-root-ca.crt` (idempotent). */
  ensureNamespaceContents(ns: string): void {
    const nsObj = this.store.get(NS_KEY, undefined, ns);
    if (!nsObj || nsObj.metadata.deletionTimestamp) return;
    if (!this.store.get(SA_KEY, ns, 'default')) {
      this.store.create(SA_KEY, this.systemObject('v1', 'ServiceAccount', ns, 'default', {}));
    }
    const cm = this.store.get(CM_KEY, ns, ROOT_CA_CONFIGMAP);
    const data = { 'ca.crt': this.caPem };
    if (!cm) {
      this.store.create(
        CM_KEY,
        this.systemObject(
          'v1',
          'ConfigMap',
          ns,
          ROOT_CA_CONFIGMAP,
          { data },
          {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
          },
        ),
      );
    } else if (JSON.stringify(cm.data) !== JSON.stringify(data)) {
      this.store.update(CM_KEY, { ...cm, data });
    }
  }

  private systemObject(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    body: Record<string, unknown>,
    annotations?: Record<string, string>,
  ): KubeObject {
    return {
      apiVersion,
      kind,
      metadata: {
        name,
        namespace,
        uid: crypto.randomUUID(),
        creationTimestamp: this.service.timestamp(),
        ...(annotations ? { annotations } : {}),
      },
      ...(body as Record<string, never>),
    };
  }

  private onEvent(e: StoreEvent): void {
    if (e.key === NS_KEY) {
      const name = e.object.metadata.name ?? '';
      if (e.type === 'ADDED') this.queue.add(() => this.ensureNamespaceContents(name));
      else if (e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp)
        this.queue.add(() => this.finalize(name));
      return;
    }
    const ns = e.object.metadata.namespace;
    if (!ns) return;
    if (e.type === 'DELETED') {
      const nsObj = this.store.get(NS_KEY, undefined, ns);
      if (nsObj?.metadata.deletionTimestamp) this.queue.add(() => this.finalize(ns));
      else if (
        (e.key === SA_KEY && e.object.metadata.name === 'default') ||
        (e.key === CM_KEY && e.object.metadata.name === ROOT_CA_CONFIGMAP)
      ) {
        this.queue.add(() => this.ensureNamespaceContents(ns));
      }
    }
  }

  /** Delete everything in a terminating namespace; remove the namespace once it is empty. */
  private finalize(name: string): void {
    const nsObj = this.store.get(NS_KEY, undefined, name);
    if (!nsObj?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const type of this.registry.all()) {
      if (!type.namespaced || type.virtual) continue;
      const key = resourceKey(type.group, type.plural);
      for (const obj of this.store.list(key, name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) {
          const version = type.versions.find((v) => v.name === type.storageVersion) ?? type.versions[0];
          if (version) this.service.delete({ type, version }, name, obj.metadata.name ?? '', {});
        }
      }
    }
    if (remaining > 0 && this.store.keys().some((k) => this.store.list(k, name).length > 0)) return;
    if ((nsObj.metadata.finalizers ?? []).length > 0) return;
    this.store.delete(NS_KEY, undefined, name);
  }
}
