import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubectlResult } from './support/kubectl.js';
import {
  decodeJwt,
  rawRequest,
  rejectionOf,
  startSim,
  statusBodyOf,
  statusOf,
  type SimHandle,
} from './support/sim.js';

// Service account tokens of kube-sim, driven through the real kubectl 1.35 and
// @kubernetes/client-node 1.4. Each expectation names the kube-apiserver code it mirrors.

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function ok(result: KubectlResult): string {
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

describe('kube-sim service account tokens', () => {
  let sim: SimHandle;

  async function createToken(sa: string, ...flags: string[]): Promise<string> {
    return ok(await sim.kubectl(['create', 'token', sa, ...flags])).trim();
  }

  async function whoami(token: string): Promise<KubectlResult> {
    return sim.kubectlAs(token, ['auth', 'whoami', '-o', 'json']);
  }

  async function username(token: string): Promise<string> {
    const result = await whoami(token);
    expect(result.stderr).toBe('');
    const review = JSON.parse(result.stdout) as { status: { userInfo: { username: string } } };
    return review.status.userInfo.username;
  }

  /** kubectl's wording for a 401 (kubectl cmd/util helpers.go, "Unauthorized" Status reason). */
  function expectUnauthorized(result: KubectlResult): void {
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  }

  async function uidOf(kind: string, name: string): Promise<string> {
    return ok(await sim.kubectl(['get', kind, name, '-o', 'jsonpath={.metadata.uid}']));
  }

  beforeAll(async () => {
    sim = await startSim({ name: 'auth-tokens' });
    ok(await sim.kubectl(['create', 'serviceaccount', 'x']));
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('kubectl create token --duration=1h yields a signed JWT with exp - iat == 3600 and the claims of pkg/serviceaccount/claims.go', async () => {
    const token = await createToken('x', '--duration=1h');
    const { header, payload } = decodeJwt(token);
    // pkg/serviceaccount/jwt.go signs with RS256 or ES256 and always sets a key id.
    expect(['RS256', 'ES256']).toContain(header['alg']);
    expect(header['kid']).toEqual(expect.any(String));
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(3600);
    expect(payload['nbf']).toBe(payload['iat']);
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: 'system:serviceaccount:default:x',
      aud: [ISSUER], // defaults to the API server audiences (token.go)
      'kubernetes.io': {
        namespace: 'default',
        serviceaccount: { name: 'x', uid: await uidOf('serviceaccount', 'x') },
      },
    });
    expect(payload['jti']).toMatch(UUID);
  });

  it('the token authenticates as the ServiceAccount (kubectl auth whoami = SelfSubjectReview)', async () => {
    const token = await createToken('x', '--duration=1h');
    const result = await whoami(token);
    expect(result.stderr).toBe('');
    const review = JSON.parse(result.stdout) as { status: { userInfo: Record<string, unknown> } };
    // pkg/serviceaccount/util.go UserInfo: name, uid, the two SA groups, credential id from jti.
    expect(review.status.userInfo).toMatchObject({
      username: 'system:serviceaccount:default:x',
      uid: await uidOf('serviceaccount', 'x'),
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': [`JTI=${String(decodeJwt(token).payload['jti'])}`],
      },
    });
  });

  it('client-node: TokenRequest answers 201 with the token, and the token works for client-node (SelfSubjectReview)', async () => {
    const core = sim.kubeConfig().makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'via-client-node' } },
    });
    const info = await core.createNamespacedServiceAccountTokenWithHttpInfo({
      name: 'via-client-node',
      namespace: 'default',
      body: { spec: { audiences: [], expirationSeconds: 1200 } },
    });
    expect(info.httpStatusCode).toBe(201);
    const answer = info.data;
    expect(answer.kind).toBe('TokenRequest');
    expect(answer.spec.expirationSeconds).toBe(1200);
    const token = answer.status?.token ?? '';
    const { payload } = decodeJwt(token);
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(1200);
    expect(answer.status?.expirationTimestamp?.getTime()).toBe((payload['exp'] as number) * 1000);
    const review = await sim
      .kubeConfig(token)
      .makeApiClient(k8s.AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo).toMatchObject({
      username: 'system:serviceaccount:default:via-client-node',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
  });

  it('without --duration the TokenRequest default of 3600 s applies (SetDefaults_TokenRequestSpec)', async () => {
    const { payload } = decodeJwt(await createToken('x'));
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(3600);
  });

  it('--duration=5m is refused with the ValidateTokenRequest message (422)', async () => {
    const result = await sim.kubectl(['create', 'token', 'x', '--duration=5m']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    // client-node sees the same 422 Status with a field cause.
    const core = sim.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const err = await rejectionOf(
      core.createNamespacedServiceAccountToken({
        name: 'x',
        namespace: 'default',
        body: { spec: { audiences: [], expirationSeconds: 300 } },
      }),
    );
    expect(statusOf(err)).toBe(422);
    expect(statusBodyOf(err)).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'spec.expirationSeconds', reason: 'FieldValueInvalid' }] },
    });
  });

  it('a token for another audience authenticates no API request, but a TokenReview for that audience accepts it (jwt.go)', async () => {
    const token = await createToken('x', '--audience=vault');
    expect(decodeJwt(token).payload['aud']).toEqual(['vault']);
    expectUnauthorized(await whoami(token));
    const authn = sim.kubeConfig().makeApiClient(k8s.AuthenticationV1Api);
    const review = await authn.createTokenReview({ body: { spec: { token, audiences: ['vault'] } } });
    expect(review.status).toMatchObject({
      authenticated: true,
      audiences: ['vault'],
      user: { username: 'system:serviceaccount:default:x' },
    });
    const implicit = await authn.createTokenReview({ body: { spec: { token } } });
    expect(implicit.status?.authenticated).toBe(false);
  });

  it('a TokenReview of a bad token is still 201 Created, with authenticated:false (tokenreview storage)', async () => {
    const authn = sim.kubeConfig().makeApiClient(k8s.AuthenticationV1Api);
    const bogus = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImJvZ3VzIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const info = await authn.createTokenReviewWithHttpInfo({ body: { spec: { token: bogus } } });
    expect(info.httpStatusCode).toBe(201);
    expect(info.data.status?.authenticated).toBe(false);
    expect(info.data.status?.error).toEqual(expect.any(String));
    expect(info.data.status?.error).not.toContain(bogus);
    // A good token reviews as authenticated with the API audience.
    const good = await authn.createTokenReviewWithHttpInfo({
      body: { spec: { token: await createToken('x') } },
    });
    expect(good.httpStatusCode).toBe(201);
    expect(good.data.status).toMatchObject({ authenticated: true, audiences: [ISSUER] });
  });

  it('kubectl create -f of a TokenReview prints the reviewed user (JSON body through kubectl)', async () => {
    const token = await createToken('x');
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } };
    // --validate=false: kubectl's field-validation probe reads PATCH operations of the OpenAPI v3
    // document, which tokenreviews (create-only) lack, then falls back to /openapi/v2, which
    // kube-sim does not serve (known gap; a real server answers there).
    const result = await sim.kubectl(
      ['create', '--validate=false', '-f', '-', '-o', 'json'],
      JSON.stringify(review),
    );
    const printed = JSON.parse(ok(result)) as { status: Record<string, unknown> };
    expect(printed.status).toMatchObject({
      authenticated: true,
      user: { username: 'system:serviceaccount:default:x', uid: await uidOf('serviceaccount', 'x') },
    });
  });

  it('a Secret-bound token carries the Secret and stops authenticating once it is deleted (claims.go)', async () => {
    ok(await sim.kubectl(['create', 'secret', 'generic', 'bind-target', '--from-literal=k=v']));
    const secretUid = await uidOf('secret', 'bind-target');
    const token = await createToken('x', '--bound-object-kind=Secret', '--bound-object-name=bind-target');
    expect(decodeJwt(token).payload['kubernetes.io']).toMatchObject({
      secret: { name: 'bind-target', uid: secretUid },
    });
    expect(await username(token)).toBe('system:serviceaccount:default:x');
    ok(await sim.kubectl(['delete', 'secret', 'bind-target']));
    expectUnauthorized(await whoami(token));
  });

  it('checks the bound object when minting, with the errors of storage/token.go', async () => {
    const core = sim.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const request = (boundObjectRef: k8s.V1BoundObjectReference): Promise<unknown> =>
      core.createNamespacedServiceAccountToken({
        name: 'x',
        namespace: 'default',
        body: { spec: { audiences: [], boundObjectRef } },
      });
    const missing = await rejectionOf(request({ kind: 'Secret', apiVersion: 'v1', name: 'nope' }));
    expect(statusOf(missing)).toBe(404);
    expect(statusBodyOf(missing)).toMatchObject({ reason: 'NotFound', message: 'secrets "nope" not found' });
    ok(await sim.kubectl(['create', 'secret', 'generic', 'uid-check']));
    const stale = await rejectionOf(
      request({ kind: 'Secret', apiVersion: 'v1', name: 'uid-check', uid: 'not-the-uid' }),
    );
    expect(statusOf(stale)).toBe(409);
    expect(statusBodyOf(stale)).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on Secret "uid-check": the UID in the bound object reference (not-the-uid) does not match the UID in record. The object might have been deleted and then recreated',
    });
    const unsupported = await rejectionOf(
      request({ kind: 'ConfigMap', apiVersion: 'v1', name: 'kube-root-ca.crt' }),
    );
    expect(statusOf(unsupported)).toBe(400);
    expect(statusBodyOf(unsupported)).toMatchObject({
      reason: 'BadRequest',
      message: 'cannot bind token to object of type /v1, Kind=ConfigMap',
    });
  });

  it('deleting and recreating the ServiceAccount invalidates its old tokens (uid claim check)', async () => {
    ok(await sim.kubectl(['create', 'serviceaccount', 'recreated']));
    const before = await createToken('recreated');
    expect(await username(before)).toBe('system:serviceaccount:default:recreated');
    ok(await sim.kubectl(['delete', 'serviceaccount', 'recreated']));
    expectUnauthorized(await whoami(before));
    ok(await sim.kubectl(['create', 'serviceaccount', 'recreated']));
    expectUnauthorized(await whoami(before));
    const after = await createToken('recreated');
    expect(await username(after)).toBe('system:serviceaccount:default:recreated');
    // client-node sees 401 (it does not parse 401 bodies); the body is the real Status.
    const core = sim.kubeConfig(before).makeApiClient(k8s.CoreV1Api);
    expect(statusOf(await rejectionOf(core.listNamespacedServiceAccount({ namespace: 'default' })))).toBe(
      401,
    );
    expect(
      await rawRequest(sim, 'GET', '/api/v1/namespaces/default/serviceaccounts', { token: before }),
    ).toEqual({
      status: 401,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    });
  });

  it('a token of a ServiceAccount that does not exist cannot be requested (404)', async () => {
    const result = await sim.kubectl(['create', 'token', 'nobody']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('serviceaccounts "nobody" not found');
  });

  // Last: rotation invalidates every token of this cluster.
  it('after signing-key rotation old tokens are refused and new ones work', async () => {
    const old = await createToken('x');
    expect(await username(old)).toBe('system:serviceaccount:default:x');
    await sim.cluster.rotateSigningKey();
    expectUnauthorized(await whoami(old));
    const fresh = await createToken('x');
    expect(decodeJwt(fresh).header['kid']).not.toBe(decodeJwt(old).header['kid']);
    expect(await username(fresh)).toBe('system:serviceaccount:default:x');
    // The same fault through the admin HTTP route, for tests in other processes; only the admin
    // token may use it.
    expect((await rawRequest(sim, 'POST', '/__sim/rotate-signing-key', { token: fresh })).status).toBe(401);
    expect(await username(fresh)).toBe('system:serviceaccount:default:x');
    const rotated = await rawRequest(sim, 'POST', '/__sim/rotate-signing-key', {
      token: sim.cluster.adminToken,
    });
    expect(rotated.status).toBe(200);
    expectUnauthorized(await whoami(fresh));
    expect(await username(await createToken('x'))).toBe('system:serviceaccount:default:x');
  });
});
