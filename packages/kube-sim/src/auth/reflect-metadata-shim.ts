/**
 * Minimal `Reflect.getMetadata` / `defineMetadata` / `getOwnMetadata` for `@peculiar/x509`,
 * whose dependency tsyringe throws at import time unless a Reflect metadata polyfill is loaded
 * (see the x509 README, "Reflect Polyfill Required"). No polyfill package is installed, and
 * tsyringe only stores and reads constructor parameter metadata, so a WeakMap-backed subset is
 * enough. Installed only when no polyfill is present; an existing one is left alone. This module
 * must be imported before `@peculiar/x509`.
 */

type MetadataTarget = object;
type MetadataKey = unknown;

interface ReflectMetadataApi {
  defineMetadata(key: MetadataKey, value: unknown, target: MetadataTarget, property?: PropertyKey): void;
  getOwnMetadata(key: MetadataKey, target: MetadataTarget, property?: PropertyKey): unknown;
  getMetadata(key: MetadataKey, target: MetadataTarget, property?: PropertyKey): unknown;
}

const store = new WeakMap<MetadataTarget, Map<PropertyKey | undefined, Map<MetadataKey, unknown>>>();

function ownMap(
  target: MetadataTarget,
  property: PropertyKey | undefined,
  create: boolean,
): Map<MetadataKey, unknown> | undefined {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (entries === undefined && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

const shim: ReflectMetadataApi = {
  defineMetadata(key, value, target, property) {
    ownMap(target, property, true)?.set(key, value);
  },
  getOwnMetadata(key, target, property) {
    return ownMap(target, property, false)?.get(key);
  },
  getMetadata(key, target, property) {
    // Walk the prototype chain like reflect-metadata does.
    for (
      let current: object | null = target;
      current !== null;
      current = Object.getPrototypeOf(current) as object | null
    ) {
      const entries = ownMap(current, property, false);
      if (entries?.has(key) === true) return entries.get(key);
    }
    return undefined;
  },
};

const reflect = Reflect as unknown as Partial<ReflectMetadataApi>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(Reflect, shim);
}
