import type { JsonSchema } from '../../schema/json-schema.js';
import type { KindStrategy, PrinterColumn, ResourceType } from '../resource-type.js';

/** Verbs of an ordinary stored resource, as discovery lists them. */
export const STANDARD_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Inputs to {@link defineBuiltin}. */
export interface BuiltinSpec {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  hasStatus?: boolean;
  virtual?: boolean;
  /** OpenAPI component name, e.g. io.k8s.api.core.v1.Secret. */
  component: string;
  schema: JsonSchema;
  strategy?: KindStrategy;
  printerColumns?: PrinterColumn[];
  extraSubresources?: ResourceType['extraSubresources'];
}

/** Build the ResourceType of a built-in kind. */
export function defineBuiltin(spec: BuiltinSpec): ResourceType {
  return {
    group: spec.group,
    plural: spec.plural,
    singular: spec.singular,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? STANDARD_VERBS,
    versions: [
      {
        name: spec.version,
        schema: spec.schema,
        componentName: spec.component,
        ...(spec.printerColumns ? { printerColumns: spec.printerColumns } : {}),
      },
    ],
    storageVersion: spec.version,
    hasStatus: spec.hasStatus ?? false,
    extraSubresources: spec.extraSubresources ?? [],
    custom: false,
    virtual: spec.virtual ?? false,
    strategy: spec.strategy ?? {},
  };
}
