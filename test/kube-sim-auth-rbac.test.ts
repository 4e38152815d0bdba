import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubectlResult } from './support/kubectl.js';
import { rejectionOf, startSim, statusBodyOf, statusOf, type SimHandle } from './support/sim.js';

// RBAC of kube-sim with enforceRbac, against plugin/pkg/auth/authorizer/rbac/rbac.go and the
// 403 texts of k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go.

const SA_USER = 'system:serviceaccount:default:app';

function ok(result: KubectlResult): string {
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

/** kubectl prints a 403 Status as `Error from server (Forbidden): <message>`. */
function expectForbidden(
  result: KubectlResult,
  message: string,
  prefix = 'Error from server (Forbidden): ',
): void {
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe(`${prefix}${message}`);
}

describe('kube-sim RBAC (enforceRbac)', () => {
  let sim: SimHandle;
  let token: string;

  beforeAll(async () => {
    sim = await startSim({ name: 'auth-rbac', enforceRbac: true });
    ok(await sim.kubectl(['create', 'serviceaccount', 'app']));
    ok(await sim.kubectl(['create', 'serviceaccount', 'other']));
    ok(await sim.kubectl(['create', 'secret', 'generic', 's1', '--from-literal=k=v']));
    token = ok(await sim.kubectl(['create', 'token', 'app'])).trim();
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('lets every authenticated user use discovery and learn who they are (bootstrap system:discovery, system:basic-user)', async () => {
    for (const path of ['/api', '/apis', '/version', '/api/v1']) {
      const result = await sim.kubectlAs(token, ['get', '--raw', path]);
      expect(result.exitCode, `${path}: ${result.stderr}`).toBe(0);
    }
    const whoami = JSON.parse(ok(await sim.kubectlAs(token, ['auth', 'whoami', '-o', 'json']))) as {
      status: { userInfo: { username: string } };
    };
    expect(whoami.status.userInfo.username).toBe(SA_USER);
  });

  it('denies an unbound ServiceAccount with the real Forbidden message (kubectl and client-node)', async () => {
    expectForbidden(
      await sim.kubectlAs(token, ['get', 'secrets']),
      `secrets is forbidden: User "${SA_USER}" cannot list resource "secrets" in API group "" in the namespace "default"`,
    );
    const canList = await sim.kubectlAs(token, ['auth', 'can-i', 'list', 'secrets']);
    expect([canList.stdout.trim(), canList.exitCode]).toEqual(['no', 1]);
    const err = await rejectionOf(
      sim
        .kubeConfig(token)
        .makeApiClient(k8s.CoreV1Api)
        .readNamespacedSecret({ name: 's1', namespace: 'default' }),
    );
    expect(statusOf(err)).toBe(403);
    expect(statusBodyOf(err)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `secrets "s1" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "default"`,
      reason: 'Forbidden',
      details: { name: 's1', kind: 'secrets' },
      code: 403,
    });
  });

  it('allows after a Role and RoleBinding grant it, only in that namespace', async () => {
    ok(await sim.kubectl(['create', 'role', 'secret-reader', '--verb=get,list', '--resource=secrets']));
    ok(
      await sim.kubectl([
        'create',
        'rolebinding',
        'app-reads-secrets',
        '--role=secret-reader',
        '--serviceaccount=default:app',
      ]),
    );
    expect(ok(await sim.kubectlAs(token, ['get', 'secrets', '-o', 'name']))).toContain('secret/s1');
    // kubectl auth can-i (SelfSubjectAccessReview) agrees, as the SA and by impersonation.
    const canList = await sim.kubectlAs(token, ['auth', 'can-i', 'list', 'secrets']);
    expect([canList.stdout.trim(), canList.exitCode]).toEqual(['yes', 0]);
    const canDelete = await sim.kubectlAs(token, ['auth', 'can-i', 'delete', 'secrets']);
    expect([canDelete.stdout.trim(), canDelete.exitCode]).toEqual(['no', 1]);
    const asApp = await sim.kubectl(['auth', 'can-i', 'get', 'secrets/s1', `--as=${SA_USER}`]);
    expect([asApp.stdout.trim(), asApp.exitCode]).toEqual(['yes', 0]);
    const secret = await sim
      .kubeConfig(token)
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedSecret({ name: 's1', namespace: 'default' });
    expect(secret.metadata?.name).toBe('s1');
    // Verbs outside the rule stay denied.
    expectForbidden(
      await sim.kubectlAs(token, ['delete', 'secret', 's1']),
      `secrets "s1" is forbidden: User "${SA_USER}" cannot delete resource "secrets" in API group "" in the namespace "default"`,
    );
    // A RoleBinding grants nothing outside its namespace.
    expectForbidden(
      await sim.kubectlAs(token, ['get', 'secrets', '-n', 'kube-system']),
      `secrets is forbidden: User "${SA_USER}" cannot list resource "secrets" in API group "" in the namespace "kube-system"`,
    );
  });

  it('treats serviceaccounts/token as its own subresource (what the spoke worker needs)', async () => {
    expectForbidden(
      await sim.kubectlAs(token, ['create', 'token', 'other']),
      `serviceaccounts "other" is forbidden: User "${SA_USER}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"`,
      // kubectl create token wraps errors itself (cmd/create/create_token.go).
      'error: failed to create token: ',
    );
    ok(
      await sim.kubectl([
        'create',
        'role',
        'token-minter',
        '--verb=create',
        '--resource=serviceaccounts/token',
        '--resource-name=other',
      ]),
    );
    ok(
      await sim.kubectl([
        'create',
        'rolebinding',
        'app-mints',
        '--role=token-minter',
        '--serviceaccount=default:app',
      ]),
    );
    expect(ok(await sim.kubectlAs(token, ['create', 'token', 'other'])).trim()).toMatch(/^eyJ/);
    // resourceNames restrict the grant to the named object.
    expect((await sim.kubectlAs(token, ['create', 'token', 'app'])).exitCode).toBe(1);
    // The subresource grant does not grant the parent resource.
    expect((await sim.kubectlAs(token, ['get', 'serviceaccounts'])).exitCode).toBe(1);
  });

  it('needs a ClusterRoleBinding for cluster-scoped resources', async () => {
    expectForbidden(
      await sim.kubectlAs(token, ['get', 'namespaces']),
      `namespaces is forbidden: User "${SA_USER}" cannot list resource "namespaces" in API group "" at the cluster scope`,
    );
    ok(await sim.kubectl(['create', 'clusterrole', 'ns-reader', '--verb=get,list', '--resource=namespaces']));
    ok(
      await sim.kubectl([
        'create',
        'clusterrolebinding',
        'app-reads-ns',
        '--clusterrole=ns-reader',
        '--serviceaccount=default:app',
      ]),
    );
    expect(ok(await sim.kubectlAs(token, ['get', 'namespaces', '-o', 'name']))).toContain(
      'namespace/default',
    );
  });

  it('appends the RBAC reason when a binding points at a missing role', async () => {
    ok(
      await sim.kubectl([
        'create',
        'rolebinding',
        'dangling',
        '--role=does-not-exist',
        '--serviceaccount=default:app',
      ]),
    );
    expectForbidden(
      await sim.kubectlAs(token, ['get', 'configmaps']),
      `configmaps is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "does-not-exist" not found`,
    );
  });

  it('always allows system:masters (the admin token)', async () => {
    expect(ok(await sim.kubectl(['get', 'secrets', '-A', '-o', 'name']))).toContain('secret/s1');
  });
});
