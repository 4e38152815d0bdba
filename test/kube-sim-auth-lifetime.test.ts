import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubectlResult } from './support/kubectl.js';
import { decodeJwt, rejectionOf, startSim, statusOf, type SimHandle } from './support/sim.js';

// Token lifetimes and per-cluster signing keys. Two clusters share this file: `short` accepts
// one-second tokens (minTokenSeconds: 1, for expiry without waiting ten minutes) and `capped`
// imitates --service-account-max-token-expiration=30m.

function ok(result: KubectlResult): string {
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

function lifetime(token: string): number {
  const { payload } = decodeJwt(token);
  return (payload['exp'] as number) - (payload['iat'] as number);
}

async function canListServiceAccounts(sim: SimHandle, token: string): Promise<number> {
  const core = sim.kubeConfig(token).makeApiClient(k8s.CoreV1Api);
  try {
    await core.listNamespacedServiceAccount({ namespace: 'default' });
    return 200;
  } catch (err) {
    const code = statusOf(err);
    if (code === undefined) throw err;
    return code;
  }
}

describe('kube-sim token lifetimes and signing keys', () => {
  let short: SimHandle;
  let capped: SimHandle;

  beforeAll(async () => {
    [short, capped] = await Promise.all([
      startSim({ name: 'short', minTokenSeconds: 1 }),
      startSim({ name: 'capped', maxTokenSeconds: 1800 }),
    ]);
    ok(await short.kubectl(['create', 'serviceaccount', 'x']));
    ok(await capped.kubectl(['create', 'serviceaccount', 'x']));
  });

  afterAll(async () => {
    await Promise.all([short?.close(), capped?.close()]);
  });

  it('a configured maximum shortens longer requests instead of refusing them (storage/token.go maxExpirationSeconds)', async () => {
    const result = await capped.kubectl(['create', 'token', 'x', '--duration=2h']);
    expect(result.exitCode).toBe(0);
    // token.go adds a Warning header, which kubectl prints on stderr.
    expect(result.stderr.trim()).toBe(
      'Warning: requested expiration of 7200 seconds shortened to 1800 seconds',
    );
    expect(lifetime(result.stdout.trim())).toBe(1800);
    // The TokenRequest answer reports the shortened lifetime and the matching expiry.
    const core = capped.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const answer = await core.createNamespacedServiceAccountToken({
      name: 'x',
      namespace: 'default',
      body: { spec: { audiences: [], expirationSeconds: 7200 } },
    });
    const issued = decodeJwt(answer.status?.token ?? '').payload;
    expect(answer.spec.expirationSeconds).toBe(1800);
    expect(answer.status?.expirationTimestamp?.getTime()).toBe((issued['exp'] as number) * 1000);
    // Shorter requests keep their lifetime.
    expect(lifetime(ok(await capped.kubectl(['create', 'token', 'x', '--duration=15m'])).trim())).toBe(900);
  });

  it('the maximum does not lift the 10-minute minimum (ValidateTokenRequest runs first)', async () => {
    const result = await capped.kubectl(['create', 'token', 'x', '--duration=5m']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('may not specify a duration less than 10 minutes');
  });

  it('an expired token is refused with 401 from the moment exp passes, not before (claims.go)', async () => {
    const token = ok(await short.kubectl(['create', 'token', 'x', '--duration=3s'])).trim();
    expect(lifetime(token)).toBe(3);
    const exp = decodeJwt(token).payload['exp'] as number;
    expect(await canListServiceAccounts(short, token)).toBe(200);
    // Poll until refused; the first refusal must not come before exp.
    const deadline = Date.now() + 10_000;
    let code = 200;
    while (code === 200 && Date.now() < deadline) {
      code = await canListServiceAccounts(short, token);
      if (code === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(code).toBe(401);
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(exp);
    const review = await short
      .kubeConfig()
      .makeApiClient(k8s.AuthenticationV1Api)
      .createTokenReview({ body: { spec: { token } } });
    expect(review.status).toMatchObject({
      authenticated: false,
      error: expect.stringContaining('service account token has expired') as unknown,
    });
  });

  it('each cluster signs with its own key: a token of one cluster is refused by another (401)', async () => {
    const fromShort = ok(await short.kubectl(['create', 'token', 'x'])).trim();
    expect(await canListServiceAccounts(short, fromShort)).toBe(200);
    expect(await canListServiceAccounts(capped, fromShort)).toBe(401);
    // Refused for the signature, before any uid check (jwt.go tries every key of the cluster).
    const review = await capped
      .kubeConfig()
      .makeApiClient(k8s.AuthenticationV1Api)
      .createTokenReview({ body: { spec: { token: fromShort } } });
    expect(review.status?.authenticated).toBe(false);
    expect(review.status?.error).toContain('error in cryptographic primitive');
    const kubectlResult = await capped.kubectlAs(fromShort, ['get', 'serviceaccounts']);
    expect(kubectlResult.exitCode).toBe(1);
    // kubectl get fails in discovery first, as against a real server.
    expect(kubectlResult.stderr).toContain('error: You must be logged in to the server');
  });

  it('the admin token of one cluster is refused by another', async () => {
    const err = await rejectionOf(
      capped.kubeConfig(short.cluster.adminToken).makeApiClient(k8s.CoreV1Api).listNamespace(),
    );
    expect(statusOf(err)).toBe(401);
  });
});
