import type { Json } from '../api/types.js';

/**
 * The subset of apiextensions.k8s.io/v1 JSONSchemaProps that kube-sim evaluates: enough for
 * structural validation, defaulting, pruning and for publishing in /openapi/v3.
 */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  enum?: Json[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: Json;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  /** Reference to a shared component, resolved by {@link SchemaResolver}. */
  $ref?: string;
  allOf?: JsonSchema[];
}

/** Resolves `$ref`s of built-in schemas (`#/components/schemas/<name>`). */
export type SchemaResolver = (ref: string) => JsonSchema | undefined;

/** Follow `$ref` / single `allOf` wrappers until a concrete schema is reached. */
export function resolveSchema(
  schema: JsonSchema | undefined,
  resolve: SchemaResolver,
): JsonSchema | undefined {
  let s = schema;
  for (let i = 0; s && i < 16; i++) {
    if (s.$ref) s = resolve(s.$ref);
    else if (s.allOf && s.allOf.length === 1 && !s.type && !s.properties) s = s.allOf[0];
    else return s;
  }
  return s;
}
