import type { ResourceRegistry } from '../api/registry.js';
import { resourceKey, splitApiVersion } from '../api/resource-type.js';
import type { ObjectLookup } from '../auth/authenticator.js';
import type { ObjectStore } from '../store/object-store.js';

/** The {@link ObjectLookup} the auth modules read the store through. */
export function createStoreLookup(store: ObjectStore, registry: ResourceRegistry): ObjectLookup {
  const keyOf = (apiVersion: string, kind: string): string | undefined => {
    const { group } = splitApiVersion(apiVersion);
    const type = registry.byKind(group, kind);
    return type ? resourceKey(type.group, type.plural) : undefined;
  };
  return {
    get(apiVersion, kind, namespace, name) {
      const key = keyOf(apiVersion, kind);
      const obj = key ? store.get(key, namespace, name) : undefined;
      return obj ? { ...obj, metadata: { ...obj.metadata, uid: obj.metadata.uid ?? '' } } : undefined;
    },
    list(apiVersion, kind, namespace) {
      const key = keyOf(apiVersion, kind);
      return key ? store.list(key, namespace) : [];
    },
  };
}
