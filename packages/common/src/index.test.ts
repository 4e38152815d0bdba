// The public surface must match docs/internal-contracts.md: test-only reading of the doc.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as common from './index.js';

const contracts = readFileSync(new URL('../../../docs/internal-contracts.md', import.meta.url), 'utf8');

describe('@msa/common public surface (docs/internal-contracts.md)', () => {
  it('every value in the identity table matches the export', () => {
    const exports = common as unknown as Record<string, unknown>;
    let checked = 0;
    for (const line of contracts.split('\n')) {
      const m = /^\|\s*(`[A-Z_]+`(?:,\s*`[A-Z_]+`)*)\s*\|\s*(.+?)\s*\|$/.exec(line);
      if (!m) continue;
      const names = [...(m[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1] ?? '');
      const values = [...(m[2] ?? '').matchAll(/`([^`]+)`/g)].map((x) => x[1] ?? '');
      names.forEach((name, i) => {
        expect(exports, `missing export ${name}`).toHaveProperty(name);
        const value = exports[name];
        const doc = values[i];
        const shown = Array.isArray(value)
          ? `[${value.map((v) => `'${String(v)}'`).join(',')}]`
          : String(value);
        expect(shown, name).toBe(doc);
        checked++;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('exports the named functions and schemas', () => {
    for (const name of [
      'parseGoDuration',
      'formatGoDuration',
      'validityToExpirationSeconds',
      'isDns1123Subdomain',
      'isDns1123Label',
      'decodeJwtClaims',
      'setCondition',
      'decideMint',
      'computeRotationDeadline',
      'computeBackoff',
      'queueNameForCluster',
      'dedupIdForMsa',
      'rotationJobId',
      'createLogger',
      'validateConfig',
    ]) {
      expect(typeof (common as Record<string, unknown>)[name], name).toBe('function');
    }
    for (const name of [
      'msaCrd',
      'managedClusterCrd',
      'crdManifests',
      'ReconcileJobSchema',
      'DeleteServiceAccountJobSchema',
      'SweepJobSchema',
      'TokenReportSchema',
    ]) {
      expect((common as Record<string, unknown>)[name], name).toBeDefined();
    }
  });

  it('condition types and reasons', () => {
    expect(Object.values(common.ConditionType)).toEqual([
      'SecretCreated',
      'TokenReported',
      'WorkerAvailable',
    ]);
    expect(Object.values(common.ConditionReason)).toEqual([
      'SecretCreated',
      'TokenReported',
      'TokenReportFailed',
      'ClusterNotFound',
      'InvalidSpec',
      'WorkerHeartbeatMissed',
      'WorkerHeartbeatReceived',
    ]);
  });

  it('DEFAULT_VALIDITY and DEFAULT_VALIDITY_SECONDS agree', () => {
    expect(common.validityToExpirationSeconds(common.DEFAULT_VALIDITY)).toEqual({
      ok: true,
      seconds: common.DEFAULT_VALIDITY_SECONDS,
    });
  });
});
