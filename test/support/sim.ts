import * as k8s from '@kubernetes/client-node';
import { request as httpsRequest } from 'node:https';
import {
  startCluster,
  type SimCluster,
  type StartClusterOptions,
} from '../../packages/kube-sim/src/index.js';
import { kubectl, writeKubeconfig, type KubectlResult } from './kubectl.js';

/** A running kube-sim cluster plus ready-made kubectl and client-node access to it. */
export interface SimHandle {
  readonly cluster: SimCluster;
  /** Path of a kubeconfig with the admin token and the cluster CA (TLS verified). */
  readonly adminKubeconfig: string;
  /** Path of a kubeconfig that trusts the cluster CA and authenticates with `token`. */
  kubeconfigFor(token: string): string;
  /** Runs the real kubectl as admin. */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Runs the real kubectl authenticating with `token`. */
  kubectlAs(token: string, args: readonly string[]): Promise<KubectlResult>;
  /** A client-node KubeConfig for `token` (default: admin), verifying TLS against the cluster CA. */
  kubeConfig(token?: string): k8s.KubeConfig;
  close(): Promise<void>;
}

/** Starts a cluster with {@link startCluster} and wraps it in a {@link SimHandle}. */
export async function startSim(opts: StartClusterOptions = {}): Promise<SimHandle> {
  const cluster = await startCluster(opts);
  const adminKubeconfig = writeKubeconfig(cluster.kubeconfig());
  const kubeconfigFor = (token: string): string =>
    writeKubeconfig({ server: cluster.url, caPem: cluster.caPem, token, namespace: 'default' });
  return {
    cluster,
    adminKubeconfig,
    kubeconfigFor,
    kubectl: (args, input) =>
      kubectl(args, { kubeconfig: adminKubeconfig, ...(input !== undefined ? { input } : {}) }),
    kubectlAs: (token, args) => kubectl(args, { kubeconfig: kubeconfigFor(token) }),
    kubeConfig(token) {
      const kc = new k8s.KubeConfig();
      kc.loadFromOptions({
        clusters: [
          {
            name: cluster.name,
            server: cluster.url,
            caData: Buffer.from(cluster.caPem).toString('base64'),
            skipTLSVerify: false,
          },
        ],
        users: [{ name: 'user', token: token ?? cluster.adminToken }],
        contexts: [{ name: cluster.name, cluster: cluster.name, user: 'user', namespace: 'default' }],
        currentContext: cluster.name,
      });
      return kc;
    },
    close: () => cluster.close(),
  };
}

/** Header and payload of a compact JWS, decoded without verification (tests inspect claims). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const decode = (part: string | undefined): Record<string, unknown> =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(parts[0]), payload: decode(parts[1]) };
}

/** HTTP status of a client-node rejection (ApiException.code), or undefined for other errors. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? (err as k8s.ApiException<unknown>).code : undefined;
}

/** Parsed Kubernetes `Status` body of a client-node ApiException. */
export function statusBodyOf(err: unknown): Record<string, unknown> | undefined {
  if (!(err instanceof k8s.ApiException)) return undefined;
  const body: unknown = (err as k8s.ApiException<unknown>).body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
}

/** Awaits `promise`, which must reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Status code and parsed JSON body of one raw HTTPS request to a cluster (CA verified). */
export async function rawRequest(
  sim: SimHandle,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${sim.cluster.url}${path}`,
      {
        method,
        ca: sim.cluster.caPem,
        headers: {
          accept: 'application/json',
          ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON (e.g. /healthz): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}
