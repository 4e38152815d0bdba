import type { ObjectLookup } from './authenticator.js';

/** A tiny in-memory {@link ObjectLookup} for unit tests of the auth package. */
export class MapLookup implements ObjectLookup {
  private readonly objects = new Map<string, Record<string, unknown>>();

  private static key(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
  }

  /** Stores an object; `metadata.name` and (when namespaced) `metadata.namespace` identify it. */
  put(
    object: Record<string, unknown> & {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace?: string; uid?: string };
    },
  ): void {
    const metadata = { uid: `uid-${Math.random().toString(16).slice(2)}`, ...object.metadata };
    this.objects.set(MapLookup.key(object.apiVersion, object.kind, metadata.namespace, metadata.name), {
      ...object,
      metadata,
    });
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    this.objects.delete(MapLookup.key(apiVersion, kind, namespace, name));
  }

  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): { metadata: { uid: string } } | undefined {
    return this.objects.get(MapLookup.key(apiVersion, kind, namespace, name)) as
      { metadata: { uid: string } } | undefined;
  }

  list(apiVersion: string, kind: string, namespace?: string): Array<Record<string, unknown>> {
    const prefix = `${apiVersion}|${kind}|`;
    return [...this.objects.entries()]
      .filter(
        ([k]) => k.startsWith(prefix) && (namespace === undefined || k.startsWith(`${prefix}${namespace}|`)),
      )
      .map(([, v]) => v);
  }
}
