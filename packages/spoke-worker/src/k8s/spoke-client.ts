import { readFile } from 'node:fs/promises';
import {
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  type V1ServiceAccount,
  type V1TokenRequestSpec,
} from '@kubernetes/client-node';
import { LABEL_MANAGED_SA, LABEL_MANAGED_SA_VALUE } from '@msa/common';
import { KubeError, KubeErrorKind, toKubeError } from './kube-error.js';

/** Where the in-cluster service account CA lives (the CA the worker reports in-cluster). */
export const IN_CLUSTER_CA_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** How the worker reaches its spoke: a kubeconfig file, or the in-cluster service account. */
export type SpokeConnection = { kind: 'kubeconfig'; path: string } | { kind: 'in-cluster' };

/** Result of {@link SpokeClient.ensureServiceAccount}. */
export interface EnsuredServiceAccount {
  uid: string;
  /** True when this call created it (and therefore labelled it). */
  created: boolean;
  /** True when the SA carries the managed label (created by us now or earlier). */
  labelled: boolean;
}

/** A minted token. `token` must go to the hub API only. */
export interface MintedToken {
  token: string;
  /** Expiry the spoke granted (may be shorter than requested). */
  expirationTimestamp: Date;
}

/** Outcome of a TokenReview on the spoke. */
export interface TokenReviewResult {
  authenticated: boolean;
  username: string | undefined;
}

/** A labelled ServiceAccount as the worker sees it. */
export interface LabelledServiceAccount {
  name: string;
  uid: string;
}

/** Stops a watch started by {@link SpokeClient.watchLabelledServiceAccounts}. */
export interface WatchHandle {
  stop(): Promise<void>;
}

/** The spoke operations the processor needs; an interface so unit tests can fake the spoke. */
export interface SpokeOperations {
  ensureServiceAccount(name: string): Promise<EnsuredServiceAccount>;
  requestToken(name: string, expirationSeconds: number): Promise<MintedToken>;
  reviewToken(token: string): Promise<TokenReviewResult>;
  readCaBundle(): Promise<string>;
  /** Deletes the SA only if it carries the managed label; returns what happened. */
  deleteLabelledServiceAccount(name: string): Promise<'deleted' | 'absent' | 'unlabelled'>;
  listLabelledServiceAccounts(): Promise<LabelledServiceAccount[]>;
}

const isLabelled = (sa: V1ServiceAccount): boolean =>
  sa.metadata?.labels?.[LABEL_MANAGED_SA] === LABEL_MANAGED_SA_VALUE;

/**
 * Thin client for the worker's own spoke API server: every call is bounded by a timeout and every
 * failure leaves as a {@link KubeError}.
 */
export class SpokeClient implements SpokeOperations {
  private readonly core: CoreV1Api;
  private readonly authn: AuthenticationV1Api;

  /**
   * @param kc loaded kubeconfig
   * @param connection where the CA comes from
   * @param agentNamespace namespace of the managed ServiceAccounts
   * @param timeoutMs per-request timeout (default 15 s)
   */
  constructor(
    readonly kc: KubeConfig,
    private readonly connection: SpokeConnection,
    readonly agentNamespace: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.authn = kc.makeApiClient(AuthenticationV1Api);
  }

  /** Loads the kubeconfig (or in-cluster config) and builds a client. */
  static create(connection: SpokeConnection, agentNamespace: string, timeoutMs?: number): SpokeClient {
    const kc = new KubeConfig();
    if (connection.kind === 'kubeconfig') kc.loadFromFile(connection.path);
    else kc.loadFromCluster();
    return new SpokeClient(kc, connection, agentNamespace, timeoutMs);
  }

  /** Address of the spoke API server (for logs). */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? 'unknown';
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KubeError(KubeErrorKind.Unavailable, 0, `${action}: timed out after ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      throw toKubeError(err, action);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when `/api/v1` lists the `serviceaccounts/token` subresource (TokenRequest API). */
  async hasTokenRequestApi(): Promise<boolean> {
    const list = await this.call('discover /api/v1', () => this.core.getAPIResources());
    return list.resources.some((r) => r.name === 'serviceaccounts/token');
  }

  /** Creates the agent namespace when it is missing. */
  async ensureAgentNamespace(): Promise<void> {
    const name = this.agentNamespace;
    try {
      await this.call(`read namespace ${name}`, () => this.core.readNamespace({ name }));
      return;
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind !== KubeErrorKind.NotFound) throw err;
    }
    try {
      await this.call(`create namespace ${name}`, () =>
        this.core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }),
      );
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind !== KubeErrorKind.Conflict) throw err;
    }
  }

  async ensureServiceAccount(name: string): Promise<EnsuredServiceAccount> {
    const namespace = this.agentNamespace;
    try {
      const sa = await this.call(`read serviceaccount ${name}`, () =>
        this.core.readNamespacedServiceAccount({ name, namespace }),
      );
      return { uid: sa.metadata?.uid ?? '', created: false, labelled: isLabelled(sa) };
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind !== KubeErrorKind.NotFound) throw err;
    }
    try {
      const sa = await this.call(`create serviceaccount ${name}`, () =>
        this.core.createNamespacedServiceAccount({
          namespace,
          body: {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name, namespace, labels: { [LABEL_MANAGED_SA]: LABEL_MANAGED_SA_VALUE } },
          },
        }),
      );
      return { uid: sa.metadata?.uid ?? '', created: true, labelled: true };
    } catch (err) {
      // Someone created it between our read and our create: use theirs as is.
      if (err instanceof KubeError && err.kind === KubeErrorKind.Conflict) {
        const sa = await this.call(`read serviceaccount ${name}`, () =>
          this.core.readNamespacedServiceAccount({ name, namespace }),
        );
        return { uid: sa.metadata?.uid ?? '', created: false, labelled: isLabelled(sa) };
      }
      throw err;
    }
  }

  async requestToken(name: string, expirationSeconds: number): Promise<MintedToken> {
    // Upstream sends expirationSeconds only: no audiences, no bound object.
    const tr = await this.call(`request token for serviceaccount ${name}`, () =>
      this.core.createNamespacedServiceAccountToken({
        name,
        namespace: this.agentNamespace,
        // The model marks `audiences` required, but the API omits it gladly (= the API server's
        // own audience), which is what upstream sends.
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds } as V1TokenRequestSpec,
        },
      }),
    );
    const token = tr.status?.token;
    const exp = tr.status?.expirationTimestamp;
    if (typeof token !== 'string' || token === '' || exp === undefined) {
      throw new KubeError(
        KubeErrorKind.Unavailable,
        0,
        `request token for serviceaccount ${name}: empty status`,
      );
    }
    return { token, expirationTimestamp: exp instanceof Date ? exp : new Date(String(exp)) };
  }

  async reviewToken(token: string): Promise<TokenReviewResult> {
    const review = await this.call('create tokenreview', () =>
      this.authn.createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      }),
    );
    return {
      authenticated: review.status?.authenticated === true,
      username: review.status?.user?.username,
    };
  }

  async readCaBundle(): Promise<string> {
    if (this.connection.kind === 'in-cluster') return readFile(IN_CLUSTER_CA_FILE, 'utf8');
    const cluster = this.kc.getCurrentCluster();
    if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
    if (cluster?.caFile) return readFile(cluster.caFile, 'utf8');
    throw new KubeError(KubeErrorKind.Invalid, 0, 'the spoke kubeconfig names no certificate authority');
  }

  async deleteLabelledServiceAccount(name: string): Promise<'deleted' | 'absent' | 'unlabelled'> {
    const namespace = this.agentNamespace;
    let sa: V1ServiceAccount;
    try {
      sa = await this.call(`read serviceaccount ${name}`, () =>
        this.core.readNamespacedServiceAccount({ name, namespace }),
      );
    } catch (err) {
      if (err instanceof KubeError && err.kind === KubeErrorKind.NotFound) return 'absent';
      throw err;
    }
    if (!isLabelled(sa)) return 'unlabelled';
    try {
      // The uid precondition makes sure we delete exactly the labelled SA we just read.
      await this.call(`delete serviceaccount ${name}`, () =>
        this.core.deleteNamespacedServiceAccount({
          name,
          namespace,
          body: { preconditions: { uid: sa.metadata?.uid ?? '' } },
        }),
      );
      return 'deleted';
    } catch (err) {
      if (err instanceof KubeError && err.kind === KubeErrorKind.NotFound) return 'absent';
      throw err;
    }
  }

  async listLabelledServiceAccounts(): Promise<LabelledServiceAccount[]> {
    const list = await this.call('list labelled serviceaccounts', () =>
      this.core.listNamespacedServiceAccount({
        namespace: this.agentNamespace,
        labelSelector: `${LABEL_MANAGED_SA}=${LABEL_MANAGED_SA_VALUE}`,
      }),
    );
    return list.items
      .filter(isLabelled)
      .map((sa) => ({ name: sa.metadata?.name ?? '', uid: sa.metadata?.uid ?? '' }))
      .filter((sa) => sa.name !== '');
  }

  /**
   * Watches labelled SAs in the agent namespace and calls `onDeleted` for each deletion. The
   * informer is restarted with capped backoff after any error (client-node informers stop on
   * errors other than 410), and relisted periodically because a watch can go silent.
   */
  watchLabelledServiceAccounts(
    onDeleted: (sa: LabelledServiceAccount) => void,
    onError: (err: KubeError) => void,
    relistMs = 5 * 60_000,
  ): WatchHandle {
    const labelSelector = `${LABEL_MANAGED_SA}=${LABEL_MANAGED_SA_VALUE}`;
    const namespace = this.agentNamespace;
    const informer = makeInformer(
      this.kc,
      `/api/v1/namespaces/${namespace}/serviceaccounts`,
      () => this.core.listNamespacedServiceAccount({ namespace, labelSelector }),
      labelSelector,
    );
    let stopped = false;
    let failures = 0;
    let restartTimer: NodeJS.Timeout | undefined;
    const restart = (delayMs: number): void => {
      if (stopped || restartTimer !== undefined) return;
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopped) return;
        informer.start().catch((err: unknown) => {
          onError(toKubeError(err, 'watch serviceaccounts'));
          failures += 1;
          restart(Math.min(30_000, 500 * 2 ** failures));
        });
      }, delayMs);
    };
    informer.on('delete', (sa) => {
      const name = sa.metadata?.name;
      if (name) onDeleted({ name, uid: sa.metadata?.uid ?? '' });
    });
    informer.on('connect', () => {
      failures = 0;
    });
    informer.on('error', (err: unknown) => {
      onError(toKubeError(err, 'watch serviceaccounts'));
      failures += 1;
      restart(Math.min(30_000, 500 * 2 ** failures));
    });
    restart(0);
    const relist = setInterval(() => {
      void informer.stop().then(() => restart(0));
    }, relistMs);
    relist.unref();
    return {
      stop: async () => {
        stopped = true;
        clearInterval(relist);
        clearTimeout(restartTimer);
        await informer.stop();
      },
    };
  }
}
