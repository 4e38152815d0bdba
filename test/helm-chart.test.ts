// The Helm charts (helm/managed-serviceaccount-hub, helm/managed-serviceaccount-worker) checked
// with the pinned helm 4 binary: strict lint, the rendered objects, the environment variables
// against the names the config code really reads (and against its validation), the RBAC rules,
// the values schema rejecting missing required values, and the hub chart's CRDs against
// common's crdManifests.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdManifests, HubConfigSchema, WorkerConfigSchema } from '@msa/common';
import { HUB_SETTINGS, loadHubConfig } from '@msa/hub-dispatcher';
import { WORKER_SETTINGS, loadWorkerConfig } from '@msa/spoke-worker';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CRD_DIR, diffCrdDir, renderCrdFiles } from '../scripts/render-crds.js';
import { fixtureContent, sampleTlsFiles } from './support/tls-fixture.js';

const tls = await sampleTlsFiles();

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The pinned helm (ADR 0003), never one on PATH. */
const HELM = join(ROOT, '.tools/bin/helm');
const HUB_CHART = join(ROOT, 'helm/managed-serviceaccount-hub');
const WORKER_CHART = join(ROOT, 'helm/managed-serviceaccount-worker');

interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

function helm(args: readonly string[]): Promise<HelmRun> {
  return new Promise((resolve, reject) => {
    execFile(HELM, args, { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') {
        reject(new Error(`cannot run ${HELM} (node scripts/fetch-tools.mjs): ${err.message}`));
        return;
      }
      resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
    });
  });
}

/** The subset of a Kubernetes object these tests read. */
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; scheme?: string } };
  readinessProbe?: { httpGet?: { path: string; scheme?: string } };
}
interface PodSpec {
  serviceAccountName: string;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
interface Deployment extends KubeObject {
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } };
}
interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

async function render(chart: string, args: readonly string[]): Promise<KubeObject[]> {
  const run = await helm(['template', 'msa', chart, ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function only<T extends KubeObject>(objects: readonly KubeObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  expect(found.map((o) => o.kind)).toEqual([kind]);
  return found[0] as T;
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return role.rules as PolicyRule[];
}

/** Every (group, resource, verb, resourceName) a set of rules grants, as flat strings. */
function grants(rules: readonly PolicyRule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    for (const g of r.apiGroups)
      for (const res of r.resources)
        for (const v of r.verbs)
          out.add(`${g}/${res}:${v}${r.resourceNames ? `@${r.resourceNames.join(',')}` : ''}`);
  }
  return out;
}

/** Settings of a config schema that have no default and are not optional: the chart must set them. */
function requiredWithoutDefault(schema: {
  required?: string[];
  properties: Record<string, { default?: unknown }>;
}): string[] {
  return (schema.required ?? []).filter((k) => schema.properties[k]?.default === undefined);
}

/** Environment names the hub's config code reads: the settings table plus the `env.X` it reads directly. */
function hubEnvNames(): Set<string> {
  const source = readFileSync(join(ROOT, 'packages/hub-dispatcher/src/config/hub-config.ts'), 'utf8');
  const direct = [...source.matchAll(/env\.(MSA_[A-Z0-9_]+)/g)].map((m) => m[1] ?? '');
  return new Set([...HUB_SETTINGS.flatMap((s) => s.env), ...direct]);
}

const workerEnvNames = (): Set<string> => new Set(WORKER_SETTINGS.flatMap((s) => [...s.env]));

/**
 * Turns a rendered container's env into a process environment: literal values as they are,
 * Secret references replaced by plausible values, and every mounted file path (/etc/...) moved
 * into a scratch directory holding a dummy file, so the config loaders can check readability.
 */
function envFor(container: Container, scratch: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    let value = e.value ?? '';
    if (ref !== undefined)
      value = /redis/i.test(ref.key) || /REDIS/.test(e.name) ? 'redis://redis.test:6379' : 'ops-user';
    if (value.startsWith('/etc/')) {
      const local = join(scratch, value);
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, fixtureContent(local, tls));
      value = local;
    }
    env[e.name] = value;
  }
  return env;
}

describe('helm lint --strict', () => {
  it('passes on both charts with valid values', async () => {
    const [hub, worker] = await Promise.all([
      helm(['lint', '--strict', HUB_CHART, '-f', join(HUB_CHART, 'ci/test-values.yaml')]),
      helm(['lint', '--strict', WORKER_CHART, '-f', join(WORKER_CHART, 'ci/test-values.yaml')]),
    ]);
    expect(hub.stdout + hub.stderr).toContain('0 chart(s) failed');
    expect(hub.code).toBe(0);
    expect(worker.stdout + worker.stderr).toContain('0 chart(s) failed');
    expect(worker.code).toBe(0);
  });

  it('fails on the defaults alone, naming the required values', async () => {
    const [hub, worker] = await Promise.all([
      helm(['lint', '--strict', HUB_CHART]),
      helm(['lint', '--strict', WORKER_CHART]),
    ]);
    expect(hub.code).not.toBe(0);
    expect(hub.stdout + hub.stderr).toContain('/tls/existingSecret');
    expect(worker.code).not.toBe(0);
    expect(worker.stdout + worker.stderr).toContain('/clusterName');
    expect(worker.stdout + worker.stderr).toContain('/hub/url');
  });
});

describe('hub chart', () => {
  const valid = ['-n', 'msa-system', '-f', join(HUB_CHART, 'ci/test-values.yaml')];

  it('renders the dispatcher, its identity, RBAC and Service', async () => {
    const objects = await render(HUB_CHART, valid);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Secret', 'Service', 'ServiceAccount'].sort(),
    );
    const deployment = only<Deployment>(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe(only(objects, 'ServiceAccount').metadata.name);
    const binding = only<KubeObject & { subjects: { name: string; namespace: string }[] }>(
      objects,
      'ClusterRoleBinding',
    );
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'msa-system' },
    ]);
    const container = pod.containers[0] as Container;
    expect(container.command).toEqual(['msa-hub']);
    expect(container.args).toEqual(['serve']);
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/scheme': 'https',
    });
    expect(pod.volumes?.find((v) => v.name === 'tls')?.secret?.secretName).toBe('msa-hub-tls');
    const service = only<KubeObject & { spec: { ports: { targetPort: string }[] } }>(objects, 'Service');
    expect(service.spec.ports[0]?.targetPort).toBe('https');
  });

  it('sets only environment variables the hub reads, covering every required setting, and the hub accepts them', async () => {
    const objects = await render(HUB_CHART, valid);
    const container = only<Deployment>(objects, 'Deployment').spec.template.spec.containers[0] as Container;
    const names = (container.env ?? []).map((e) => e.name).filter((n) => n.startsWith('MSA_'));
    const known = hubEnvNames();
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    const schema = HubConfigSchema as unknown as Parameters<typeof requiredWithoutDefault>[0];
    for (const key of requiredWithoutDefault(schema)) {
      const setting = HUB_SETTINGS.find((s) => s.key === key);
      expect(
        setting?.env.some((n) => names.includes(n)),
        `setting ${key}`,
      ).toBe(true);
    }
    // Ops login from the Secret: user name by env, password as a mounted file.
    expect(names).toEqual(expect.arrayContaining(['MSA_HUB_OPS_USERNAME', 'MSA_HUB_OPS_PASSWORD_FILE']));
    const scratch = mkdtempSync(join(tmpdir(), 'helm-hub-env-'));
    const loaded = loadHubConfig({ argv: [], env: envFor(container, scratch) });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    expect(loaded.ok && loaded.config).toMatchObject({
      redisUrl: 'redis://redis.test:6379',
      listenPort: 8443,
      workerServiceAccountName: 'managed-serviceaccount-worker',
      opsUsername: 'ops-user',
      ttlDeletionEnabled: true,
    });
  });

  it('grants the RBAC the dispatcher needs on the hub, and runs locked down', async () => {
    const objects = await render(HUB_CHART, valid);
    const g = grants(rulesOf(only(objects, 'ClusterRole')));
    const msa = 'authentication.open-cluster-management.io';
    for (const need of [
      `${msa}/managedserviceaccounts:get`,
      `${msa}/managedserviceaccounts:list`,
      `${msa}/managedserviceaccounts:watch`,
      `${msa}/managedserviceaccounts:delete`,
      `${msa}/managedserviceaccounts/status:update`,
      '/secrets:list',
      '/secrets:watch',
      '/secrets:create',
      '/secrets:update',
      '/events:create',
      'coordination.k8s.io/leases:create',
      'coordination.k8s.io/leases:update@managed-serviceaccount-worker',
      '/serviceaccounts:create',
      '/serviceaccounts/token:create@managed-serviceaccount-worker',
      'authentication.k8s.io/tokenreviews:create',
      '/namespaces:get',
      '/namespaces:create',
      'cluster.open-cluster-management.io/managedclusters:watch',
      'cluster.open-cluster-management.io/managedclusters:create',
      'apiextensions.k8s.io/customresourcedefinitions:get',
    ]) {
      expect(g.has(need), need).toBe(true);
    }
    // Nothing broader than needed: no wildcards, no CRD writes.
    expect([...g].filter((x) => x.includes('*'))).toEqual([]);
    expect(g.has('apiextensions.k8s.io/customresourcedefinitions:create')).toBe(false);
    const pod = only<Deployment>(objects, 'Deployment').spec.template.spec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.containers[0]?.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const requests = pod.containers[0]?.resources?.requests ?? {};
    expect(typeof requests.cpu).toBe('string');
    expect(typeof requests.memory).toBe('string');
  });

  it('takes the Redis URL from an existing Secret instead', async () => {
    const objects = await render(HUB_CHART, [
      '--set',
      'tls.existingSecret=hub-tls',
      '--set',
      'redis.existingSecret=shared-redis',
      '--set',
      'redis.existingSecretKey=url',
    ]);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const env = only<Deployment>(objects, 'Deployment').spec.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'MSA_HUB_REDIS_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'shared-redis',
      key: 'url',
    });
    expect(env.some((e) => e.name.startsWith('MSA_HUB_OPS_'))).toBe(false);
  });

  it('refuses missing or malformed required values with a message naming them', async () => {
    const [noTls, noRedis, badRedis, badPort] = await Promise.all([
      helm(['template', 'msa', HUB_CHART, '--set', 'redis.url=redis://r:6379']),
      helm(['template', 'msa', HUB_CHART, '--set', 'tls.existingSecret=hub-tls']),
      helm([
        'template',
        'msa',
        HUB_CHART,
        '--set',
        'tls.existingSecret=hub-tls',
        '--set',
        'redis.url=http://r',
      ]),
      helm([
        'template',
        'msa',
        HUB_CHART,
        '-f',
        join(HUB_CHART, 'ci/test-values.yaml'),
        '--set',
        'hub.listenPort=70000',
      ]),
    ]);
    for (const [run, needle] of [
      [noTls, '/tls/existingSecret'],
      [noRedis, 'redis.url'],
      [badRedis, '/redis/url'],
      [badPort, '/hub/listenPort'],
    ] as const) {
      expect(run.code, needle).not.toBe(0);
      expect(run.stderr, needle).toContain(needle);
    }
  });
});

describe('worker chart', () => {
  const valid = [
    '-n',
    'open-cluster-management-agent-addon',
    '-f',
    join(WORKER_CHART, 'ci/test-values.yaml'),
  ];
  const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

  it('renders the worker with exactly the RBAC it needs on the spoke', async () => {
    const objects = await render(WORKER_CHART, [...valid, '--set-string', `hub.ca.pem=${pem}`]);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Role',
        'RoleBinding',
        'ServiceAccount',
      ].sort(),
    );
    const role = only(objects, 'Role');
    expect(role.metadata.namespace).toBe('open-cluster-management-agent-addon');
    expect([...grants(rulesOf(role))].sort()).toEqual(
      [
        '/serviceaccounts:get',
        '/serviceaccounts:list',
        '/serviceaccounts:watch',
        '/serviceaccounts:create',
        '/serviceaccounts:delete',
        '/serviceaccounts/token:create',
      ].sort(),
    );
    expect([...grants(rulesOf(only(objects, 'ClusterRole')))].sort()).toEqual(
      [
        'authentication.k8s.io/tokenreviews:create',
        '/namespaces:get@open-cluster-management-agent-addon',
        '/namespaces:create',
      ].sort(),
    );
    const pod = only<Deployment>(objects, 'Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe(only(objects, 'ServiceAccount').metadata.name);
    expect(pod.containers[0]?.command).toEqual(['msa-worker']);
    expect(pod.containers[0]?.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.volumes?.find((v) => v.name === 'hub-credential')?.secret?.secretName).toBe(
      'msa-hub-credential',
    );
    const configMap = only<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap');
    expect(configMap.data['ca.crt']).toBe(pem);
  });

  it('sets only environment variables the worker reads, and the worker accepts them in a pod', async () => {
    const objects = await render(WORKER_CHART, [...valid, '--set-string', `hub.ca.pem=${pem}`]);
    const container = only<Deployment>(objects, 'Deployment').spec.template.spec.containers[0] as Container;
    const names = (container.env ?? []).map((e) => e.name).filter((n) => n.startsWith('MSA_'));
    const known = workerEnvNames();
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    const schema = WorkerConfigSchema as unknown as Parameters<typeof requiredWithoutDefault>[0];
    for (const key of requiredWithoutDefault(schema)) {
      const setting = WORKER_SETTINGS.find((s) => s.key === key);
      expect(
        setting?.env.some((n) => names.includes(n)),
        `setting ${key}`,
      ).toBe(true);
    }
    const env = envFor(container, mkdtempSync(join(tmpdir(), 'helm-worker-env-')));
    // In a pod the kubelet sets KUBERNETES_SERVICE_HOST and the worker uses its ServiceAccount.
    const loaded = loadWorkerConfig([], { ...env, KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    expect(loaded.ok && loaded.config).toMatchObject({
      clusterName: 'cluster1',
      agentNamespace: 'open-cluster-management-agent-addon',
      hubUrl: 'https://msa-hub.example.com:443',
      redisUrl: 'redis://redis.test:6379',
      concurrency: 4,
    });
    expect(loaded.ok && loaded.config.hubCaFile?.endsWith('/etc/msa-worker/hub-ca/ca.crt')).toBe(true);
  });

  it('stores a credential and Redis URL given as values in Secrets, and honours another agent namespace', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    const objects = await render(WORKER_CHART, [
      '-n',
      'msa-worker',
      '--set',
      'clusterName=edge-7',
      '--set',
      'hub.url=https://hub.example:8443',
      '--set',
      `hub.credential.token=${token}`,
      '--set',
      'redis.url=redis://msa-edge-7:pw@redis:6379',
      '--set',
      'agentNamespace=managed-sas',
      '--set',
      'createAgentNamespace=true',
    ]);
    const secrets = objects.filter((o) => o.kind === 'Secret') as (KubeObject & {
      stringData: Record<string, string>;
    })[];
    expect(
      secrets
        .map((s) => Object.keys(s.stringData))
        .flat()
        .sort(),
    ).toEqual(['redis-url', 'token']);
    expect(secrets.find((s) => 'token' in s.stringData)?.stringData.token).toBe(token);
    expect(only(objects, 'Namespace').metadata.name).toBe('managed-sas');
    expect(only(objects, 'Role').metadata.namespace).toBe('managed-sas');
    const env = only<Deployment>(objects, 'Deployment').spec.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'MSA_AGENT_NAMESPACE')?.value).toBe('managed-sas');
    expect(env.some((e) => e.name === 'MSA_HUB_CA_FILE')).toBe(false);
  });

  it('refuses missing or malformed required values with a message naming them', async () => {
    const base = ['template', 'msa', WORKER_CHART, '-f', join(WORKER_CHART, 'ci/test-values.yaml')];
    const [noCluster, badCluster, noHubUrl, plainHttp, noCredential, noRedis] = await Promise.all([
      helm([...base, '--set', 'clusterName=']),
      helm([...base, '--set', 'clusterName=Bad_Name']),
      helm([...base, '--set', 'hub.url=']),
      helm([...base, '--set', 'hub.url=http://hub.example']),
      helm([...base, '--set', 'hub.credential.existingSecret=']),
      helm([...base, '--set', 'redis.existingSecret=']),
    ]);
    for (const [run, needle] of [
      [noCluster, '/clusterName'],
      [badCluster, '/clusterName'],
      [noHubUrl, '/hub/url'],
      [plainHttp, '/hub/url'],
      [noCredential, 'hub.credential'],
      [noRedis, 'redis.url'],
    ] as const) {
      expect(run.code, needle).not.toBe(0);
      expect(run.stderr, needle).toContain(needle);
    }
  });
});

describe('hub chart CRDs', () => {
  it('are exactly what scripts/render-crds.ts produces from crdManifests', () => {
    expect(diffCrdDir()).toEqual([]);
    const files = renderCrdFiles();
    expect(files.size).toBe(crdManifests.length);
    // The YAML means the same data as the manifests (not only the same text as the script).
    for (const manifest of crdManifests) {
      const name = (manifest.metadata as { name: string }).name;
      const parsed: unknown = parse(readFileSync(join(CRD_DIR, `${name}.yaml`), 'utf8'));
      expect(parsed).toEqual(manifest);
    }
  });

  it('are installed by the chart (helm template --include-crds)', async () => {
    const objects = await render(HUB_CHART, ['-f', join(HUB_CHART, 'ci/test-values.yaml'), '--include-crds']);
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(
      crdManifests.map((m) => (m.metadata as { name: string }).name).sort(),
    );
  });

  it('detects drift: a changed manifest no longer matches the files', () => {
    const changed = crdManifests.map((m, i) => (i === 0 ? { ...m, kind: 'Changed' } : m));
    expect(diffCrdDir(CRD_DIR, renderCrdFiles(changed)).length).toBe(1);
  });
});
