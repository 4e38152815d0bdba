import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What a kubeconfig for one simulated cluster holds. */
export interface KubeconfigParams {
  name: string;
  url: string;
  caPem: string;
  token: string;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * A kubeconfig (YAML) with one cluster, one user holding the admin token, and one context named
 * after the cluster, which is the current context.
 */
export function renderKubeconfig(p: KubeconfigParams): string {
  const ca = Buffer.from(p.caPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    `- name: ${quote(p.name)}`,
    '  cluster:',
    `    server: ${quote(p.url)}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${quote(`${p.name}-admin`)}`,
    '  user:',
    `    token: ${quote(p.token)}`,
    'contexts:',
    `- name: ${quote(p.name)}`,
    '  context:',
    `    cluster: ${quote(p.name)}`,
    `    user: ${quote(`${p.name}-admin`)}`,
    '    namespace: default',
    `current-context: ${quote(p.name)}`,
    '',
  ].join('\n');
}

/** Write a file atomically: a temporary sibling, then rename (readers never see half a file). */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}
