import { randomBytes } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ResourceRegistry } from '../api/registry.js';
import { resourceKey } from '../api/resource-type.js';
import { ResourceService } from '../api/service/resource-service.js';
import type { KubeObject } from '../api/types.js';
import { createAuthenticator } from '../auth/authenticator.js';
import { createCertificateAuthority, issueServingCertificate } from '../auth/pki.js';
import {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLES,
  createRbacAuthorizer,
} from '../auth/rbac.js';
import { TokenIssuer } from '../auth/token-issuer.js';
import { CrdController } from '../controllers/crd-controller.js';
import { GarbageCollector } from '../controllers/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace-controller.js';
import { FaultController } from '../faults/fault-controller.js';
import { RequestCounters } from '../faults/request-counters.js';
import { createRequestListener } from '../server/api-server.js';
import type { ServerContext } from '../server/server-context.js';
import { WatchHub } from '../server/watch-hub.js';
import { ObjectStore } from '../store/object-store.js';
import { renderKubeconfig, writeFileAtomic } from './kubeconfig.js';
import { createStoreLookup } from './store-lookup.js';

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Cluster name: kubeconfig cluster/context name. Default `kube-sim`. */
  name?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Minimum TokenRequest lifetime in seconds. Default 600, as kube-apiserver. */
  minTokenSeconds?: number;
  /** Maximum token lifetime (--service-account-max-token-expiration); longer requests are shortened. */
  maxTokenSeconds?: number;
  /** Token issuer (`iss`) and API audience. Default `https://kubernetes.default.svc.cluster.local`. */
  issuer?: string;
  /** Enforce RBAC for non-`system:masters` users. Default false (everything authenticated is allowed). */
  enforceRbac?: boolean;
  /** Events kept for watch resumption; older resourceVersions get 410. Default 1000. */
  eventWindow?: number;
  /** Interval of periodic watch BOOKMARK events in ms. Default 10000. */
  bookmarkIntervalMs?: number;
  /** Admin bearer token. Default: random. */
  adminToken?: string;
}

/** Request counting of a cluster. */
export interface ClusterCounters {
  count(filter?: {
    method?: string;
    pathPrefix?: string;
    verb?: string;
    resource?: string;
    code?: number;
  }): number;
  reset(): void;
  snapshot(): ReturnType<RequestCounters['snapshot']>;
}

/** A running simulated cluster. */
export interface SimCluster {
  readonly name: string;
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** PEM of the cluster CA (also in every namespace's kube-root-ca.crt). */
  readonly caPem: string;
  /** Bearer token of the built-in admin (group system:masters). */
  readonly adminToken: string;
  /** Kubeconfig YAML: context named after the cluster, admin token user, certificate-authority-data. */
  kubeconfig(): string;
  /** Write the kubeconfig atomically (temporary file + rename). */
  writeKubeconfig(path: string): Promise<void>;
  readonly counters: ClusterCounters;
  readonly faults: FaultController;
  /** Rotate the service account signing key (old tokens stop authenticating). */
  rotateSigningKey(): Promise<void>;
  /** Read an object straight from the store (storage version), or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** All objects of a kind straight from the store. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Forget past watch events so every older resourceVersion is too old (forces 410 Gone). */
  compact(): void;
  /** Close every open watch connection. */
  dropWatches(): number;
  /** Stop serving and release the port. */
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function seedObject(store: ObjectStore, key: string, obj: KubeObject, now: string): void {
  store.create(key, {
    ...obj,
    metadata: { ...obj.metadata, uid: crypto.randomUUID(), creationTimestamp: now },
  });
}

/** Start an in-memory Kubernetes API server on 127.0.0.1 over HTTPS with its own CA and keys. */
export async function startCluster(opts: StartClusterOptions = {}): Promise<SimCluster> {
  const name = opts.name ?? 'kube-sim';
  const issuerUrl = opts.issuer ?? 'https://kubernetes.default.svc.cluster.local';
  const adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
  const ca = await createCertificateAuthority(`${name}-ca`);
  const serving = await issueServingCertificate(ca, []);
  const store = new ObjectStore({ eventWindow: opts.eventWindow ?? 1000 });
  const registry = new ResourceRegistry();
  const service = new ResourceService(store, registry);
  const lookup = createStoreLookup(store, registry);
  const issuer = new TokenIssuer({
    issuer: issuerUrl,
    audiences: [issuerUrl],
    minSeconds: opts.minTokenSeconds ?? 600,
    ...(opts.maxTokenSeconds !== undefined ? { maxSeconds: opts.maxTokenSeconds } : {}),
  });
  const authenticator = createAuthenticator({ adminToken, issuer, lookup });
  const watches = new WatchHub();
  const faults = new FaultController(
    () => watches.dropAll(),
    () => issuer.rotateSigningKey(),
  );
  const counters = new RequestCounters();
  let address = '127.0.0.1:0';
  const ctx: ServerContext = {
    name,
    store,
    registry,
    service,
    authenticator,
    authorizer: opts.enforceRbac ? createRbacAuthorizer(lookup) : undefined,
    issuer,
    faults,
    counters,
    watches,
    adminToken,
    serverAddress: () => address,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
  };
  const controllers = [
    new NamespaceController(store, registry, service, ca.certPem),
    new GarbageCollector(store, registry, service),
    new CrdController(store, registry, service),
  ];
  const now = service.timestamp();
  for (const ns of SYSTEM_NAMESPACES) {
    seedObject(
      store,
      resourceKey('', 'namespaces'),
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      now,
    );
  }
  for (const role of BOOTSTRAP_CLUSTER_ROLES) {
    seedObject(
      store,
      resourceKey('rbac.authorization.k8s.io', 'clusterroles'),
      structuredClone(role) as unknown as KubeObject,
      now,
    );
  }
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) {
    seedObject(
      store,
      resourceKey('rbac.authorization.k8s.io', 'clusterrolebindings'),
      structuredClone(binding) as unknown as KubeObject,
      now,
    );
  }
  const nsController = controllers[0] as NamespaceController;
  for (const ns of SYSTEM_NAMESPACES) nsController.ensureNamespaceContents(ns);

  const server = createServer({ cert: serving.certPem, key: serving.keyPem }, createRequestListener(ctx));
  // Keep-alive sockets of clients must not keep close() waiting.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = (): string => renderKubeconfig({ name, url, caPem: ca.certPem, token: adminToken });
  const keyOf = (apiVersion: string, kind: string): string | undefined => {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    const type = registry.byKind(group, kind);
    return type ? resourceKey(type.group, type.plural) : undefined;
  };
  return {
    name,
    url,
    port,
    caPem: ca.certPem,
    adminToken,
    kubeconfig,
    writeKubeconfig: (path) => writeFileAtomic(path, kubeconfig()),
    counters: {
      count: (filter) => counters.count(filter),
      reset: () => counters.reset(),
      snapshot: () => counters.snapshot(),
    },
    faults,
    rotateSigningKey: () => issuer.rotateSigningKey(),
    get(apiVersion, kind, namespace, objName) {
      const key = keyOf(apiVersion, kind);
      return key ? store.get(key, namespace, objName) : undefined;
    },
    list(apiVersion, kind, namespace) {
      const key = keyOf(apiVersion, kind);
      return key ? store.list(key, namespace) : [];
    },
    compact: () => store.compact(),
    dropWatches: () => watches.dropAll(),
    async close() {
      for (const c of controllers) c.stop();
      watches.dropAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
