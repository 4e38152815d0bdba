import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectedServiceAccountNames } from './start-worker.js';

const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('protectedServiceAccountNames', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msa-protected-'));
  const tokenFile = join(dir, 'token');
  const ns = 'agent-ns';

  it('defaults to the chart SA; a setting replaces the default', async () => {
    expect(await protectedServiceAccountNames({ agentNamespace: ns, kubeconfig: '/k' }, tokenFile)).toEqual([
      'managed-serviceaccount-worker',
    ]);
    expect(
      await protectedServiceAccountNames(
        { agentNamespace: ns, kubeconfig: '/k', protectedServiceAccounts: 'a, b,,' },
        tokenFile,
      ),
    ).toEqual(['a', 'b']);
  });

  it("in a pod, adds the SA named by its own token's sub when it lives in the agent namespace", async () => {
    writeFileSync(tokenFile, jwt({ sub: `system:serviceaccount:${ns}:renamed-worker` }));
    expect(await protectedServiceAccountNames({ agentNamespace: ns }, tokenFile)).toEqual([
      'managed-serviceaccount-worker',
      'renamed-worker',
    ]);
    // With a kubeconfig the mounted token belongs to another cluster: not used.
    expect(await protectedServiceAccountNames({ agentNamespace: ns, kubeconfig: '/k' }, tokenFile)).toEqual([
      'managed-serviceaccount-worker',
    ]);
    writeFileSync(tokenFile, jwt({ sub: 'system:serviceaccount:other-ns:renamed-worker' }));
    expect(await protectedServiceAccountNames({ agentNamespace: ns }, tokenFile)).toEqual([
      'managed-serviceaccount-worker',
    ]);
  });
});
