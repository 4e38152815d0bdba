import type { JsonSchema } from '../schema/json-schema.js';
import { OBJECT_META, objectMetaSchema } from '../schema/object-meta.js';
import type { ResourceType, ResourceVersion } from './resource-type.js';
import { resourceKey } from './resource-type.js';
import { coreResources } from './builtins/core.js';
import { authorizationResources, otherResources } from './builtins/others.js';

/** A resource resolved from a request path: the type and the version asked for. */
export interface ResolvedResource {
  type: ResourceType;
  version: ResourceVersion;
}

/** A served API group with its versions, preferred first as discovery orders them. */
export interface ServedGroup {
  name: string;
  versions: string[];
}

/** Order of built-in groups in discovery, like kube-apiserver's aggregator priority. */
const GROUP_ORDER = [
  '',
  'apiextensions.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'coordination.k8s.io',
  'events.k8s.io',
  'rbac.authorization.k8s.io',
];

/** Every resource a cluster serves: the built-ins plus one entry per established CRD. */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();
  private readonly components = new Map<string, JsonSchema>([[OBJECT_META, objectMetaSchema]]);

  constructor() {
    for (const t of [...coreResources(), ...otherResources(), ...authorizationResources()]) this.register(t);
  }

  /** Add or replace a resource. */
  register(type: ResourceType): void {
    this.types.set(resourceKey(type.group, type.plural), type);
  }

  /** Stop serving a resource. */
  unregister(group: string, plural: string): void {
    this.types.delete(resourceKey(group, plural));
  }

  /** The resource at `group/plural`, whatever the version. */
  byKey(group: string, plural: string): ResourceType | undefined {
    return this.types.get(resourceKey(group, plural));
  }

  /** Resolve `group/version/plural` to a served version of a resource. */
  resolve(group: string, version: string, plural: string): ResolvedResource | undefined {
    const type = this.byKey(group, plural);
    const v = type?.versions.find((x) => x.name === version);
    return type && v ? { type, version: v } : undefined;
  }

  /** Find a resource by group and kind. */
  byKind(group: string, kind: string): ResourceType | undefined {
    return [...this.types.values()].find((t) => t.group === group && t.kind === kind);
  }

  /** All served resources. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Served groups in discovery order (built-ins first, then custom groups alphabetically). */
  groups(): ServedGroup[] {
    const byGroup = new Map<string, string[]>();
    for (const t of this.types.values()) {
      const versions = byGroup.get(t.group) ?? [];
      for (const v of t.versions) if (!versions.includes(v.name)) versions.push(v.name);
      byGroup.set(t.group, versions);
    }
    const names = [...byGroup.keys()].sort((a, b) => {
      const ia = GROUP_ORDER.indexOf(a);
      const ib = GROUP_ORDER.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      return a.localeCompare(b);
    });
    return names.map((name) => ({ name, versions: sortVersions(byGroup.get(name) ?? []) }));
  }

  /** Resources of one group-version. */
  inGroupVersion(group: string, version: string): Array<{ type: ResourceType; version: ResourceVersion }> {
    const out: Array<{ type: ResourceType; version: ResourceVersion }> = [];
    for (const t of this.types.values()) {
      if (t.group !== group) continue;
      const v = t.versions.find((x) => x.name === version);
      if (v) out.push({ type: t, version: v });
    }
    return out.sort((a, b) => a.type.plural.localeCompare(b.type.plural));
  }

  /** Resolve a `#/components/schemas/<name>` reference of the built-in schemas. */
  readonly resolveRef = (ref: string): JsonSchema | undefined =>
    this.components.get(ref.replace('#/components/schemas/', ''));

  /** Shared schema components (ObjectMeta) published in every OpenAPI document. */
  sharedComponents(): Map<string, JsonSchema> {
    return this.components;
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (version.CompareKubeAwareVersionStrings). */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const level = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [level, Number(m[1]), Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra[0] === 0 && rb[0] === 0) return a.localeCompare(b);
    for (let i = 0; i < 3; i++) {
      const d = (rb[i] ?? 0) - (ra[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}
