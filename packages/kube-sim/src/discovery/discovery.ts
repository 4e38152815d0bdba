import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceType } from '../api/resource-type.js';
import { apiVersionOf } from '../api/resource-type.js';
import type { JsonObject } from '../api/types.js';

/** `/api` (metav1.APIVersions). */
export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** `/apis` (metav1.APIGroupList), core group excluded as upstream does. */
export function apiGroupList(registry: ResourceRegistry): JsonObject {
  const groups = registry
    .groups()
    .filter((g) => g.name !== '')
    .map((g) => apiGroup(g.name, g.versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** One metav1.APIGroup. */
export function apiGroup(name: string, versions: string[]): JsonObject {
  const entries = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: entries,
    preferredVersion: entries[0] ?? null,
  };
}

function resourceEntries(type: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: [...type.verbs],
  };
  if (type.shortNames.length > 0) main.shortNames = [...type.shortNames];
  if (type.categories.length > 0) main.categories = [...type.categories];
  const entries: JsonObject[] = [main];
  if (type.hasStatus) {
    entries.push({
      name: `${type.plural}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  for (const sub of type.extraSubresources) {
    entries.push({
      name: `${type.plural}/${sub.name}`,
      singularName: '',
      namespaced: type.namespaced,
      group: sub.group,
      version: sub.version,
      kind: sub.kind,
      verbs: [...sub.verbs],
    });
  }
  return entries;
}

/** `/api/v1`, `/apis/<g>/<v>` (metav1.APIResourceList), subresources as separate entries. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const resources = registry.inGroupVersion(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: resources.flatMap(({ type }) => resourceEntries(type)),
  };
}

/** Content type of aggregated discovery v2 (apidiscovery.k8s.io/v2). */
export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Does the Accept header ask for aggregated discovery v2? */
export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => {
    const s = p.replace(/\s/g, '');
    return (
      s.includes('g=apidiscovery.k8s.io') &&
      s.includes('v=v2;') &&
      s.includes('as=APIGroupDiscoveryList') &&
      !s.includes('v=v2beta1')
    );
  });
}

/**
 * Aggregated discovery document (staging/src/k8s.io/api/apidiscovery/v2/types.go) for `/api`
 * (core only) or `/apis` (all other groups).
 */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): JsonObject {
  const items = registry
    .groups()
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.inGroupVersion(g.name, v).map(({ type }) => {
          const r: JsonObject = {
            resource: type.plural,
            responseKind: { group: type.group, version: v, kind: type.kind },
            scope: type.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: type.singular,
            verbs: [...type.verbs],
          };
          if (type.shortNames.length > 0) r.shortNames = [...type.shortNames];
          if (type.categories.length > 0) r.categories = [...type.categories];
          const subs: JsonObject[] = [];
          if (type.hasStatus) {
            subs.push({
              subresource: 'status',
              responseKind: { group: type.group, version: v, kind: type.kind },
              verbs: ['get', 'patch', 'update'],
            });
          }
          for (const s of type.extraSubresources) {
            subs.push({
              subresource: s.name,
              responseKind: { group: s.group, version: s.version, kind: s.kind },
              verbs: [...s.verbs],
            });
          }
          if (subs.length > 0) r.subresources = subs;
          return r;
        }),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** `/version` (version.Info) of a 1.35 server. */
export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: '35',
    emulationMajor: '1',
    emulationMinor: '35',
    minCompatibilityMajor: '1',
    minCompatibilityMinor: '34',
    gitVersion: 'v1.35.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-12-17T00:00:00Z',
    goVersion: 'go1.25.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
