// End-to-end (issue 5, drift and bad input): what happens when someone else changes the hub
// Secret, recreates an MSA, holds one with a finalizer, sets a TTL, or applies bad specs. One
// stack for the file (Redis db 8); the tests run concurrently. Everything but the SA-create fault
// uses cluster1, so that fault (which matches any ServiceAccount POST) only meets its own MSA.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from './support/kubectl.js';
import {
  AGENT_NS,
  conditionOf,
  kubeRequest,
  simClearFault,
  simFault,
  startE2eStack,
  stopE2eStack,
  waitFor,
  whoAmI,
  type JsonAnswer,
  type Stack,
  msaPath,
  secretPath,
  saPath,
  MERGE_PATCH,
  unb64,
  b64,
  expectedUser,
  spokeOf,
  MSA_GROUP,
} from './support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startE2eStack(inject('redisUrl'), 8, { workerConcurrency: 4, heartbeatIntervalSeconds: 5 });
}, 120_000);

afterAll(async () => {
  await stopE2eStack(stack);
}, 30_000);

const hub = (): Stack['hub'] => stack.hub;
const spoke = (name: 'cluster1' | 'cluster2'): Stack['spokes'][string] => spokeOf(stack, name);
const getJson = (path: string): Promise<JsonAnswer> => kubeRequest(hub(), 'GET', path);

interface SecretBody {
  metadata: {
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid: string; kind: string; name: string }[];
  };
  data?: Record<string, string>;
}
interface MsaBody {
  metadata: { uid: string; creationTimestamp: string; deletionTimestamp?: string; finalizers?: string[] };
  status?: { expirationTimestamp?: string; tokenSecretRef?: { lastRefreshTimestamp?: string } };
}

async function apply(yaml: string): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  return kubectl(['apply', '-f', '-'], { kubeconfig: hub().kubeconfigPath, input: yaml });
}

async function applyMsa(ns: string, name: string, spec: string, metadata = ''): Promise<void> {
  const res = await apply(
    `apiVersion: ${MSA_GROUP}/v1beta1\nkind: ManagedServiceAccount\nmetadata: {name: ${name}, namespace: ${ns}${metadata}}\nspec: ${spec}\n`,
  );
  expect(res.stderr).toBe('');
  expect(res.exitCode).toBe(0);
}

/** Both conditions True and a Secret with a token for `name` other than `not`: returns it. */
async function waitToken(
  ns: string,
  name: string,
  not: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<{ token: string; secret: SecretBody; msa: MsaBody }> {
  return waitFor(
    `${ns}/${name}: a token (not one of ${not.length} old ones) and both conditions True`,
    async () => {
      const [m, s] = await Promise.all([getJson(msaPath(ns, name)), getJson(secretPath(ns, name))]);
      if (m.status !== 200 || s.status !== 200) return undefined;
      const ok =
        conditionOf(m.body, 'TokenReported')?.status === 'True' &&
        conditionOf(m.body, 'SecretCreated')?.status === 'True';
      const secret = s.body as SecretBody;
      const token = unb64(secret.data?.['token']);
      const msa = m.body as MsaBody;
      // The status must describe this token (its expiry), not the one before.
      const exp = claimsOf(token)?.exp;
      const matches = exp !== undefined && Date.parse(msa.status?.expirationTimestamp ?? '') === exp * 1000;
      return ok && token !== '' && !not.includes(token) && matches ? { token, secret, msa } : undefined;
    },
    timeoutMs,
  );
}

function claimsOf(token: string): { sub?: string; exp?: number; iat?: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) as { sub?: string; exp?: number };
  } catch {
    return undefined;
  }
}

/** A token for `sa` (created when missing) from the spoke's TokenRequest API, as an admin would. */
async function adminToken(cluster: 'cluster1' | 'cluster2', sa: string): Promise<string> {
  const c = spoke(cluster);
  const created = await kubeRequest(c, 'POST', `/api/v1/namespaces/${AGENT_NS}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: sa },
  });
  expect([201, 409]).toContain(created.status);
  const res = await kubeRequest(c, 'POST', `${saPath(sa)}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  expect(res.status).toBe(201);
  return (res.body as { status: { token: string } }).status.token;
}

describe('drift of the hub Secret', () => {
  it.concurrent(
    'Secret deleted, or its token replaced by another SA’s, an expired, a revoked or a non-JWT one → a new valid token; extra labels/annotations kept, extra data dropped',
    async () => {
      const c1 = spoke('cluster1');
      const variants = ['deleted', 'other-sa', 'expired', 'revoked', 'not-jwt'] as const;
      await Promise.all(variants.map((v) => applyMsa('cluster1', `drift-${v}`, '{rotation: {}}')));
      const otherToken = await adminToken('cluster1', 'drift-someone-else');
      expect(await whoAmI(c1.server, c1.caPem, otherToken)).toBe(expectedUser('drift-someone-else'));

      await Promise.all(
        variants.map(async (v) => {
          const name = `drift-${v}`;
          const first = await waitToken('cluster1', name);
          expect(await whoAmI(c1.server, c1.caPem, first.token)).toBe(expectedUser(name));
          const old = [first.token];
          let replacement: string | undefined;
          switch (v) {
            case 'deleted':
              expect((await kubeRequest(hub(), 'DELETE', secretPath('cluster1', name))).status).toBe(200);
              break;
            case 'other-sa':
              replacement = otherToken;
              break;
            case 'expired': {
              // Right subject, expired an hour ago (kube-sim, like kube-apiserver, will not mint
              // anything shorter than 10 minutes, so it is built by hand; it is also unsigned).
              const now = Math.floor(Date.now() / 1000);
              const seg = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
              replacement = `${seg({ alg: 'RS256', kid: 'x' })}.${seg({
                sub: expectedUser(name),
                iat: now - 7200,
                exp: now - 3600,
              })}.c2ln`;
              break;
            }
            case 'revoked': {
              // A real token of this SA that no longer works: the SA was recreated after it was
              // minted (kube-sim binds tokens to the SA uid, like kube-apiserver).
              expect((await kubeRequest(c1, 'DELETE', saPath(name))).status).toBe(200);
              const second = await waitToken('cluster1', name, old);
              old.push(second.token);
              expect(await whoAmI(c1.server, c1.caPem, first.token)).toBe(401);
              replacement = first.token;
              break;
            }
            case 'not-jwt':
              replacement = 'not-a-jwt';
              break;
          }
          if (replacement !== undefined) {
            const patched = await kubeRequest(
              hub(),
              'PATCH',
              secretPath('cluster1', name),
              {
                metadata: {
                  labels: { 'e2e.example.com/team': 'blue' },
                  annotations: { 'e2e.example.com/note': 'kept' },
                },
                data: { token: b64(replacement), extra: b64('dropped at the next write') },
              },
              MERGE_PATCH,
            );
            expect(patched.status).toBe(200);
          }
          const fresh = await waitToken(
            'cluster1',
            name,
            replacement === undefined ? old : [...old, replacement],
          );
          expect(await whoAmI(c1.server, c1.caPem, fresh.token), v).toBe(expectedUser(name));
          expect(Object.keys(fresh.secret.data ?? {}).sort(), v).toEqual(['ca.crt', 'token']);
          expect(
            fresh.secret.metadata.ownerReferences?.map((r) => r.uid),
            v,
          ).toEqual([fresh.msa.metadata.uid]);
          expect(
            Date.parse(fresh.msa.status?.tokenSecretRef?.lastRefreshTimestamp ?? ''),
            v,
          ).toBeGreaterThanOrEqual(Date.parse(first.msa.status?.tokenSecretRef?.lastRefreshTimestamp ?? ''));
          if (replacement !== undefined) {
            expect(fresh.secret.metadata.labels?.['e2e.example.com/team'], v).toBe('blue');
            expect(fresh.secret.metadata.annotations?.['e2e.example.com/note'], v).toBe('kept');
          }
        }),
      );
    },
    90_000,
  );

  it.concurrent(
    'MSA deleted and recreated under the same name → one SA, a Secret owned by the new uid, a fresh token',
    async () => {
      const c1 = spoke('cluster1');
      await applyMsa('cluster1', 'drift-reborn', '{rotation: {}}');
      const first = await waitToken('cluster1', 'drift-reborn');
      const del = await kubectl(['delete', 'msa', '-n', 'cluster1', 'drift-reborn', '--wait=false'], {
        kubeconfig: hub().kubeconfigPath,
      });
      expect(del.exitCode).toBe(0);
      await waitFor(
        'the first MSA gone',
        async () => ((await getJson(msaPath('cluster1', 'drift-reborn'))).status === 404 ? true : undefined),
        15_000,
      );
      await applyMsa('cluster1', 'drift-reborn', '{rotation: {}}');
      const second = await waitToken('cluster1', 'drift-reborn', [first.token]);
      expect(second.msa.metadata.uid).not.toBe(first.msa.metadata.uid);
      expect(second.secret.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          uid: second.msa.metadata.uid,
          kind: 'ManagedServiceAccount',
          name: 'drift-reborn',
        }),
      ]);
      expect(await whoAmI(c1.server, c1.caPem, second.token)).toBe(expectedUser('drift-reborn'));
      // Settled: the Secret stays (the garbage collector of the old owner does not take the new
      // one), and exactly one labelled SA of that name exists.
      await new Promise((r) => setTimeout(r, 2000));
      const again = await getJson(secretPath('cluster1', 'drift-reborn'));
      expect(again.status).toBe(200);
      expect((again.body as SecretBody).metadata.ownerReferences?.[0]?.uid).toBe(second.msa.metadata.uid);
      const sas = await kubeRequest(
        c1,
        'GET',
        `/api/v1/namespaces/${AGENT_NS}/serviceaccounts?labelSelector=${encodeURIComponent(
          `${MSA_GROUP}/is-managed-serviceaccount=true`,
        )}`,
      );
      const names = (sas.body as { items: { metadata: { name: string } }[] }).items.map(
        (i) => i.metadata.name,
      );
      expect(names.filter((n) => n === 'drift-reborn')).toHaveLength(1);
    },
    60_000,
  );

  it.concurrent(
    'a terminating MSA held by a foreign finalizer keeps a valid token until it is gone, then its SA is deleted',
    async () => {
      const c1 = spoke('cluster1');
      await applyMsa('cluster1', 'drift-held', '{rotation: {}}', ', finalizers: [e2e.example.com/hold]');
      const { token } = await waitToken('cluster1', 'drift-held');
      const del = await kubectl(['delete', 'msa', '-n', 'cluster1', 'drift-held', '--wait=false'], {
        kubeconfig: hub().kubeconfigPath,
      });
      expect(del.exitCode).toBe(0);
      const held = await getJson(msaPath('cluster1', 'drift-held'));
      expect((held.body as MsaBody).metadata.deletionTimestamp).toBeDefined();
      // While terminating: several checks a second apart, token, Secret and SA all still there.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        expect(await whoAmI(c1.server, c1.caPem, token)).toBe(expectedUser('drift-held'));
        expect((await getJson(secretPath('cluster1', 'drift-held'))).status).toBe(200);
        expect((await kubeRequest(c1, 'GET', saPath('drift-held'))).status).toBe(200);
      }
      const release = await kubeRequest(
        hub(),
        'PATCH',
        msaPath('cluster1', 'drift-held'),
        { metadata: { finalizers: null } },
        MERGE_PATCH,
      );
      expect(release.status).toBe(200);
      await waitFor(
        'MSA, Secret and SA gone',
        async () => {
          const all = await Promise.all([
            getJson(msaPath('cluster1', 'drift-held')),
            getJson(secretPath('cluster1', 'drift-held')),
            kubeRequest(c1, 'GET', saPath('drift-held')),
          ]);
          return all.every((r) => r.status === 404) ? true : undefined;
        },
        20_000,
      );
      expect(await whoAmI(c1.server, c1.caPem, token)).toBe(401);
    },
    60_000,
  );
});

describe('ttlSecondsAfterCreation', () => {
  it.concurrent(
    'ttlSecondsAfterCreation: 2 → deletion requested 2–3 s after creation; a finalizer is honoured',
    async () => {
      await applyMsa(
        'cluster1',
        'drift-ttl',
        '{rotation: {}, ttlSecondsAfterCreation: 2}',
        ', finalizers: [e2e.example.com/hold]',
      );
      const msa = await waitFor(
        'deletionTimestamp on drift-ttl',
        async () => {
          const m = (await getJson(msaPath('cluster1', 'drift-ttl'))).body as MsaBody;
          return m.metadata.deletionTimestamp !== undefined ? m : undefined;
        },
        10_000,
        100,
      );
      // Both timestamps have whole seconds: 2 s after creation, or 3 s when the 2 s boundary
      // was crossed while the request was on its way.
      const requested =
        (Date.parse(msa.metadata.deletionTimestamp ?? '') - Date.parse(msa.metadata.creationTimestamp)) /
        1000;
      expect(requested).toBeGreaterThanOrEqual(2);
      expect(requested).toBeLessThanOrEqual(3);
      // Honoured: the finalizer keeps it (the dispatcher does not force anything).
      expect(msa.metadata.finalizers).toEqual(['e2e.example.com/hold']);
      expect(
        (
          await kubeRequest(
            hub(),
            'PATCH',
            msaPath('cluster1', 'drift-ttl'),
            { metadata: { finalizers: null } },
            MERGE_PATCH,
          )
        ).status,
      ).toBe(200);
      await waitFor(
        'drift-ttl gone',
        async () => ((await getJson(msaPath('cluster1', 'drift-ttl'))).status === 404 ? true : undefined),
        10_000,
      );
    },
    30_000,
  );
});

describe('bad input', () => {
  it.concurrent(
    'every item of examples/bad-inputs.yaml is refused by the CRD or fails only its own MSA, naming the problem; a good MSA applied alongside gets a token',
    async () => {
      const c1 = spoke('cluster1');
      const ns = await kubeRequest(hub(), 'POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'not-a-cluster' },
      });
      expect([201, 409]).toContain(ns.status);
      const bad = readFileSync(new URL('../examples/bad-inputs.yaml', import.meta.url), 'utf8');
      const good = `---\napiVersion: ${MSA_GROUP}/v1beta1\nkind: ManagedServiceAccount\nmetadata: {name: drift-good-neighbour, namespace: cluster1}\nspec: {rotation: {validity: 2h}}\n`;
      const res = await apply(`${bad}\n${good}`);
      // kubectl applies what it can and fails for the rest.
      expect(res.exitCode).not.toBe(0);
      // Refused at admission, each with a message naming the field and value.
      expect(res.stderr).toMatch(/bad-duration[\s\S]*spec\.rotation\.validity/);
      expect(res.stderr).toContain('30d');
      expect(res.stderr).toMatch(/zero-ttl[\s\S]*spec\.ttlSecondsAfterCreation/);
      expect((await getJson(msaPath('cluster1', 'bad-duration'))).status).toBe(404);
      expect((await getJson(msaPath('cluster1', 'zero-ttl'))).status).toBe(404);

      // Admitted, and failed on their own: the spoke's TokenRequest minimum, and no such cluster.
      const failed = async (
        namespace: string,
        name: string,
      ): Promise<{ reason?: string; message?: string }> =>
        waitFor(
          `${namespace}/${name} TokenReported=False`,
          async () => {
            const c = conditionOf((await getJson(msaPath(namespace, name))).body, 'TokenReported');
            return c?.status === 'False' ? c : undefined;
          },
          30_000,
        );
      const [tooShort, noCluster] = await Promise.all([
        failed('cluster1', 'too-short'),
        failed('not-a-cluster', 'no-such-cluster'),
      ]);
      expect(tooShort.reason).toBe('TokenReportFailed');
      expect(tooShort.message).toMatch(/less than 10 minutes/);
      expect(noCluster.reason).toBe('ClusterNotFound');
      expect(noCluster.message).toContain('not-a-cluster');
      expect((await getJson(secretPath('cluster1', 'too-short'))).status).toBe(404);

      const ok = await waitToken('cluster1', 'drift-good-neighbour');
      expect(await whoAmI(c1.server, c1.caPem, ok.token)).toBe(expectedUser('drift-good-neighbour'));
    },
    60_000,
  );

  it.concurrent(
    'a failed ServiceAccount create on the spoke → TokenReported=False/TokenReportFailed with the API error; recovers on the next request',
    async (ctx) => {
      if (!stack.simulated.has('cluster2')) ctx.skip();
      const c2 = spoke('cluster2');
      const fault = await simFault(c2, {
        kind: 'error',
        count: 1,
        status: 403,
        pathPrefix: `/api/v1/namespaces/${AGENT_NS}/serviceaccounts`,
        method: 'POST',
      });
      try {
        await applyMsa('cluster2', 'drift-sa-refused', '{rotation: {}}');
        const cond = await waitFor(
          'TokenReportFailed',
          async () => {
            const c = conditionOf(
              (await getJson(msaPath('cluster2', 'drift-sa-refused'))).body,
              'TokenReported',
            );
            return c?.status === 'False' ? c : undefined;
          },
          30_000,
        );
        expect(cond.reason).toBe('TokenReportFailed');
        expect(cond.message).toContain('HTTP 403');
        expect((await getJson(secretPath('cluster2', 'drift-sa-refused'))).status).toBe(404);
      } finally {
        await simClearFault(c2, fault);
      }
      // An operator's forced rotation (the fault is gone) gets it through.
      const forced = await kubeRequest(
        hub(),
        'PATCH',
        msaPath('cluster2', 'drift-sa-refused'),
        { metadata: { annotations: { 'msa-queue.io/rotate': 'after-fault' } } },
        MERGE_PATCH,
      );
      expect(forced.status).toBe(200);
      const { token } = await waitToken('cluster2', 'drift-sa-refused');
      expect(await whoAmI(c2.server, c2.caPem, token)).toBe(expectedUser('drift-sa-refused'));
    },
    60_000,
  );
});
