import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msaCrd } from '../packages/common/src/index.js';
import { KUBECTL_PATH } from './support/kubectl.js';
import { startSim, type SimHandle } from './support/sim.js';

// kube-sim driven by the real kubectl 1.35 (.tools/bin/kubectl), never with --validate=false:
// kubectl validates on the server (fieldValidation=Strict), reads /openapi/v3 for that and for
// client-side apply, asks for server-side Tables, and sends protobuf for typed commands.

const SAMPLE = readFileSync(new URL('../../shared/examples/sample-msa.yaml', import.meta.url), 'utf8');

let sim: SimHandle;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await sim.kubectl(args, input);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  sim = await startSim({ name: 'kubectl-core' });
  await ok(['apply', '-f', '-'], JSON.stringify(msaCrd));
  await ok(['create', 'namespace', 'cluster1']);
});

afterAll(async () => {
  await sim?.close();
});

describe('kubectl apply of the MSA CRD and sample (apiextensions-apiserver defaulting + kubectl apply.go)', () => {
  it('applies the sample and returns it with OpenAPI defaults; a second apply is unchanged', async () => {
    expect(await ok(['apply', '-f', '-'], SAMPLE)).toContain(
      'managedserviceaccount.authentication.open-cluster-management.io/my-sample created',
    );
    const yaml = await ok(['get', 'msa', 'my-sample', '-n', 'cluster1', '-o', 'yaml']);
    expect(yaml).toMatch(/rotation:\n\s+enabled: true\n\s+validity: 8640h0m0s/);
    expect(await ok(['apply', '-f', '-'], SAMPLE)).toContain('my-sample unchanged');
  });

  it('prints CRD additionalPrinterColumns through server-side Table conversion', async () => {
    const out = await ok(['get', 'msa', '-n', 'cluster1']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+TOKEN-READY\s+EXPIRES\s+AGE$/);
    const wide = await ok(['get', 'msa', '-n', 'cluster1', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+TOKEN-READY\s+REASON\s+EXPIRES\s+AGE$/);
  });

  it('reports schema violations as 422 Invalid with the real texts', async () => {
    const bad = SAMPLE.replace('name: my-sample', 'name: bad').replace(
      'rotation: {}',
      'rotation: {validity: 30d}',
    );
    const r = await sim.kubectl(['apply', '-f', '-'], bad);
    expect(r.exitCode).not.toBe(0);
    // kubectl rewrites a 422 with details into `The <details.kind> "<name>" is invalid: <causes>`.
    expect(r.stderr).toContain(
      `The ManagedServiceAccount "bad" is invalid: spec.rotation.validity: Invalid value: "30d": spec.rotation.validity in body should match '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$'`,
    );
    const missing = SAMPLE.replace('name: my-sample', 'name: bad2').replace('rotation: {}', 'other: 1');
    const r2 = await sim.kubectl(['apply', '-f', '-'], missing);
    expect(r2.stderr).toContain('strict decoding error: unknown field "spec.other"');
  });

  it('label, annotate, patch (merge/json), describe and delete', async () => {
    await ok(['label', 'msa', 'my-sample', '-n', 'cluster1', 'team=a']);
    await ok(['annotate', 'msa', 'my-sample', '-n', 'cluster1', 'note=x']);
    await ok([
      'patch',
      'msa',
      'my-sample',
      '-n',
      'cluster1',
      '--type',
      'merge',
      '-p',
      '{"spec":{"rotation":{"validity":"24h"}}}',
    ]);
    await ok([
      'patch',
      'msa',
      'my-sample',
      '-n',
      'cluster1',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/rotation/validity","value":"48h"}]',
    ]);
    const described = await ok(['describe', 'msa', 'my-sample', '-n', 'cluster1']);
    expect(described).toMatch(/Labels:\s+team=a/);
    expect(described).toMatch(/Validity:\s+48h/);
    expect(await ok(['get', 'msa', '-n', 'cluster1', '-l', 'team=a', '-o', 'name'])).toBe(
      'managedserviceaccount.authentication.open-cluster-management.io/my-sample\n',
    );
    const smp = await sim.kubectl(['patch', 'msa', 'my-sample', '-n', 'cluster1', '-p', '{"spec":{}}']);
    expect(smp.stderr).toContain('the body of the request was in an unknown format');
    expect(await ok(['delete', 'msa', 'my-sample', '-n', 'cluster1'])).toContain('deleted');
  });

  it('get -w streams changes', async () => {
    await ok(['create', 'configmap', 'watched', '-n', 'cluster1', '--from-literal=a=1']);
    const child = spawn(
      KUBECTL_PATH,
      [
        '--kubeconfig',
        sim.adminKubeconfig,
        'get',
        'configmap',
        'watched',
        '-n',
        'cluster1',
        '-w',
        '-o',
        'jsonpath={.data.a}{"\\n"}',
      ],
      {
        env: { PATH: process.env['PATH'] ?? '', HOME: '/tmp', NO_PROXY: '*' },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const seen = async (text: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`kubectl get -w never printed ${text}: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await seen('1\n');
    await ok(['patch', 'configmap', 'watched', '-n', 'cluster1', '-p', '{"data":{"a":"2"}}']);
    await seen('2\n');
    child.kill('SIGTERM');
  });

  it('apply --server-side works and reports conflicts with another manager', async () => {
    const cm =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: cluster1\ndata:\n  a: "1"\n';
    expect(await ok(['apply', '--server-side', '-f', '-'], cm)).toContain('serverside-applied');
    const r = await sim.kubectl(
      ['apply', '--server-side', '--field-manager', 'other', '-f', '-'],
      cm.replace('"1"', '"2"'),
    );
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a');
    expect(
      await ok(
        ['apply', '--server-side', '--force-conflicts', '--field-manager', 'other', '-f', '-'],
        cm.replace('"1"', '"2"'),
      ),
    ).toContain('serverside-applied');
  });

  it('moves from client-side to server-side apply without conflicts (fieldmanager lastappliedmanager.go)', async () => {
    const cm =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: migrate\n  namespace: cluster1\ndata:\n  a: "1"\n';
    await ok(['apply', '-f', '-'], cm);
    expect(await ok(['apply', '--server-side', '-f', '-'], cm.replace('"1"', '"2"'))).toContain(
      'serverside-applied',
    );
    const live = JSON.parse(await ok(['get', 'configmap', 'migrate', '-n', 'cluster1', '-o', 'json'])) as {
      data: Record<string, string>;
      metadata: { annotations: Record<string, string> };
    };
    expect(live.data).toEqual({ a: '2' });
    expect(
      JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}'),
    ).toMatchObject({ data: { a: '2' } });
  });

  it('typed commands send protobuf: create secret/serviceaccount/token, auth whoami', async () => {
    await ok(['create', 'secret', 'generic', 's1', '-n', 'cluster1', '--from-literal=k=v']);
    expect(await ok(['get', 'secret', 's1', '-n', 'cluster1', '-o', 'jsonpath={.data.k}'])).toBe(
      Buffer.from('v').toString('base64'),
    );
    await ok(['create', 'serviceaccount', 'robot', '-n', 'cluster1']);
    const token = (await ok(['create', 'token', 'robot', '-n', 'cluster1', '--duration', '1h'])).trim();
    expect(token.split('.')).toHaveLength(3);
    const short = await sim.kubectl(['create', 'token', 'robot', '-n', 'cluster1', '--duration', '5m']);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
    expect(await ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.groups}'])).toContain(
      'system:masters',
    );
  });

  it('auth can-i asks SelfSubjectAccessReview; --as impersonates (filters/impersonation.go)', async () => {
    expect((await ok(['auth', 'can-i', 'create', 'secrets'])).trim()).toBe('yes');
    const who = await ok(['auth', 'whoami', '--as', 'system:serviceaccount:cluster1:robot', '-o', 'json']);
    expect(JSON.parse(who)).toMatchObject({
      status: {
        userInfo: {
          username: 'system:serviceaccount:cluster1:robot',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:cluster1', 'system:authenticated'],
        },
      },
    });
  });

  it('explain reads the published OpenAPI v3 schema of the CRD', async () => {
    const out = await ok(['explain', 'msa.spec.rotation.validity']);
    expect(out).toContain('Requested token lifetime');
  });
});
