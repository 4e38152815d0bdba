import { describe, expect, it } from 'vitest';
import { crdManifests, managedClusterCrd, msaCrd, VALIDITY_PATTERN } from './crds.js';
import { parseGoDuration } from '../duration/parse-go-duration.js';

type Obj = Record<string, unknown>;
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((cur, key) => (cur as Obj | undefined)?.[key as string], value);

const versions = at(msaCrd, 'spec', 'versions') as Obj[];
const schemaOf = (version: Obj): unknown => at(version, 'schema', 'openAPIV3Schema');

describe('validity pattern (ours: admit unsigned Go durations only)', () => {
  const re = new RegExp(VALIDITY_PATTERN);
  it.each([
    '1s',
    '10s',
    '5m',
    '1h30m',
    '1.5h',
    '8640h0m0s',
    '300ms',
    '2h45m0.5s',
    '1\u00b5s',
    '1\u03bcs',
    '1us',
    '10ns',
    '.5s',
    '5.s',
    '0',
  ])('accepts %j', (value) => {
    expect(re.test(value)).toBe(true);
    // Everything the pattern admits is also a valid Go duration.
    expect(parseGoDuration(value).ok).toBe(true);
  });
  it.each([
    '30d',
    'abc',
    '-1h',
    '+1h',
    '',
    '1',
    '1h ',
    ' 1h',
    '1H',
    '.s',
    '.',
    '1hm',
    '1h-30m',
    '1,5h',
    'h1',
  ])('rejects %j', (value) => {
    expect(re.test(value)).toBe(false);
  });
  it('is the pattern on spec.rotation.validity of both versions', () => {
    for (const version of versions) {
      expect(
        at(
          schemaOf(version),
          'properties',
          'spec',
          'properties',
          'rotation',
          'properties',
          'validity',
          'pattern',
        ),
      ).toBe(VALIDITY_PATTERN);
    }
  });
});

describe('ManagedServiceAccount CRD', () => {
  it('upstream: group, names, namespaced scope', () => {
    expect(at(msaCrd, 'metadata', 'name')).toBe(
      'managedserviceaccounts.authentication.open-cluster-management.io',
    );
    expect(at(msaCrd, 'spec', 'group')).toBe('authentication.open-cluster-management.io');
    expect(at(msaCrd, 'spec', 'scope')).toBe('Namespaced');
    expect(at(msaCrd, 'spec', 'names')).toMatchObject({
      kind: 'ManagedServiceAccount',
      plural: 'managedserviceaccounts',
      singular: 'managedserviceaccount',
      shortNames: ['msa'],
    });
  });

  it('upstream: v1beta1 served+storage, v1alpha1 served and deprecated, status subresource on both', () => {
    expect(versions.map((v) => [v['name'], v['served'], v['storage']])).toEqual([
      ['v1beta1', true, true],
      ['v1alpha1', true, false],
    ]);
    expect(versions[1]?.['deprecated']).toBe(true);
    for (const v of versions) expect(v['subresources']).toEqual({ status: {} });
  });

  it('upstream: both versions share one schema (no conversion webhook)', () => {
    expect(schemaOf(versions[0] as Obj)).toEqual(schemaOf(versions[1] as Obj));
    expect(at(msaCrd, 'spec', 'conversion')).toBeUndefined();
  });

  it('upstream: spec.rotation is required (spec: {} is rejected) and has no default itself', () => {
    const spec = at(schemaOf(versions[0] as Obj), 'properties', 'spec') as Obj;
    expect(spec['required']).toEqual(['rotation']);
    expect(at(spec, 'properties', 'rotation', 'default')).toBeUndefined();
  });

  it('upstream: rotation.enabled defaults true, rotation.validity defaults 8640h0m0s', () => {
    const rotation = at(
      schemaOf(versions[0] as Obj),
      'properties',
      'spec',
      'properties',
      'rotation',
      'properties',
    );
    expect(at(rotation, 'enabled')).toMatchObject({ type: 'boolean', default: true });
    expect(at(rotation, 'validity')).toMatchObject({ type: 'string', default: '8640h0m0s' });
  });

  it('upstream: ttlSecondsAfterCreation is int32 and must be > 0', () => {
    const ttl = at(
      schemaOf(versions[0] as Obj),
      'properties',
      'spec',
      'properties',
      'ttlSecondsAfterCreation',
    );
    expect(ttl).toMatchObject({ type: 'integer', format: 'int32', minimum: 1 });
  });

  it('upstream: status has conditions, expirationTimestamp and tokenSecretRef', () => {
    const status = at(schemaOf(versions[0] as Obj), 'properties', 'status', 'properties') as Obj;
    expect(at(status, 'conditions', 'type')).toBe('array');
    expect(at(status, 'conditions', 'items', 'required')).toEqual([
      'lastTransitionTime',
      'message',
      'reason',
      'status',
      'type',
    ]);
    expect(at(status, 'expirationTimestamp')).toEqual({ type: 'string', format: 'date-time' });
    expect(at(status, 'tokenSecretRef', 'properties')).toEqual({
      name: { type: 'string' },
      lastRefreshTimestamp: { type: 'string', format: 'date-time' },
    });
  });

  it('has printer columns for token readiness, expiry and age', () => {
    const columns = versions[0]?.['additionalPrinterColumns'] as Obj[];
    const byName: Obj = Object.fromEntries(columns.map((c) => [String(c['name']), c['jsonPath']]));
    expect(byName['Token-Ready']).toBe('.status.conditions[?(@.type=="TokenReported")].status');
    expect(byName['Expires']).toBe('.status.expirationTimestamp');
    expect(byName['Age']).toBe('.metadata.creationTimestamp');
  });

  it('is frozen so consumers cannot mutate the shared manifest', () => {
    expect(Object.isFrozen(msaCrd)).toBe(true);
    expect(Object.isFrozen(versions[0])).toBe(true);
  });

  it('round-trips through JSON unchanged (plain data)', () => {
    expect(JSON.parse(JSON.stringify(crdManifests))).toEqual(crdManifests);
  });
});

describe('ManagedCluster CRD (standalone installs)', () => {
  it('is cluster-scoped v1 with open spec and status', () => {
    expect(at(managedClusterCrd, 'metadata', 'name')).toBe(
      'managedclusters.cluster.open-cluster-management.io',
    );
    expect(at(managedClusterCrd, 'spec', 'scope')).toBe('Cluster');
    const v = (at(managedClusterCrd, 'spec', 'versions') as Obj[])[0] as Obj;
    expect([v['name'], v['served'], v['storage']]).toEqual(['v1', true, true]);
    const props = at(schemaOf(v), 'properties') as Obj;
    expect(at(props, 'spec', 'x-kubernetes-preserve-unknown-fields')).toBe(true);
    expect(at(props, 'status', 'x-kubernetes-preserve-unknown-fields')).toBe(true);
  });

  it('crdManifests holds both', () => {
    expect(crdManifests).toEqual([managedClusterCrd, msaCrd]);
  });
});
