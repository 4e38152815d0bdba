import { createHash } from 'node:crypto';
import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceType, ResourceVersion } from '../api/resource-type.js';
import { apiVersionOf } from '../api/resource-type.js';
import type { JsonObject } from '../api/types.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { OBJECT_META } from '../schema/object-meta.js';

/** `<prefix>` of a group-version in /openapi/v3: `api/v1` or `apis/<g>/<v>`. */
export function openApiPathOf(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : 'api/v1';
}

const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

function refTo(name: string): JsonObject {
  return { $ref: `#/components/schemas/${name}` };
}

function toOpenApi(schema: JsonSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

const query = (name: string, type = 'string'): JsonObject => ({
  name,
  in: 'query',
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string): JsonObject => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

function operation(
  type: ResourceType,
  version: string,
  action: string,
  id: string,
  params: JsonObject[],
  body: string[] | undefined,
  responseSchema: JsonObject,
): JsonObject {
  const op: JsonObject = {
    operationId: id,
    parameters: params,
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: responseSchema } } },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: type.group, version, kind: type.kind },
  };
  if (body) {
    op.requestBody = {
      content: Object.fromEntries(
        body.map((ct) => [ct, { schema: ct.includes('patch') ? { type: 'object' } : responseSchema }]),
      ),
      required: true,
    };
  }
  return op;
}

function pathsFor(type: ResourceType, v: ResourceVersion, componentName: string): Record<string, JsonObject> {
  const prefix = type.group ? `/apis/${type.group}/${v.name}` : '/api/v1';
  const ns = type.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = type.namespaced ? [pathParam('namespace')] : [];
  const writeParams = [query('dryRun'), query('fieldManager'), query('fieldValidation')];
  const patchTypes = [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ];
  if (!type.custom) patchTypes.splice(2, 0, 'application/strategic-merge-patch+json');
  const obj = refTo(componentName);
  const kind = type.kind;
  const paths: Record<string, JsonObject> = {};
  if (type.virtual) {
    paths[`${prefix}/${type.plural}`] = {
      post: operation(type, v.name, 'post', `create${kind}`, writeParams, ['*/*'], obj),
      parameters: [query('pretty')],
    };
    return paths;
  }
  paths[`${prefix}${ns}/${type.plural}`] = {
    get: operation(
      type,
      v.name,
      'list',
      `list${kind}`,
      [
        query('labelSelector'),
        query('fieldSelector'),
        query('limit', 'integer'),
        query('continue'),
        query('resourceVersion'),
        query('watch', 'boolean'),
      ],
      undefined,
      refTo(`${componentName}List`),
    ),
    post: operation(type, v.name, 'post', `create${kind}`, writeParams, ['*/*'], obj),
    delete: operation(
      type,
      v.name,
      'deletecollection',
      `deleteCollection${kind}`,
      [],
      undefined,
      refTo(STATUS),
    ),
    parameters: [...nsParams, query('pretty')],
  };
  const itemPath = {
    get: operation(type, v.name, 'get', `read${kind}`, [], undefined, obj),
    put: operation(type, v.name, 'put', `replace${kind}`, writeParams, ['*/*'], obj),
    patch: operation(
      type,
      v.name,
      'patch',
      `patch${kind}`,
      [...writeParams, query('force', 'boolean')],
      patchTypes,
      obj,
    ),
    delete: operation(
      type,
      v.name,
      'delete',
      `delete${kind}`,
      [query('gracePeriodSeconds', 'integer'), query('propagationPolicy')],
      undefined,
      refTo(STATUS),
    ),
    parameters: [pathParam('name'), ...nsParams, query('pretty')],
  };
  paths[`${prefix}${ns}/${type.plural}/{name}`] = itemPath;
  if (type.hasStatus) {
    paths[`${prefix}${ns}/${type.plural}/{name}/status`] = {
      get: operation(type, v.name, 'get', `read${kind}Status`, [], undefined, obj),
      put: operation(type, v.name, 'put', `replace${kind}Status`, writeParams, ['*/*'], obj),
      patch: operation(
        type,
        v.name,
        'patch',
        `patch${kind}Status`,
        [...writeParams, query('force', 'boolean')],
        patchTypes,
        obj,
      ),
      parameters: [pathParam('name'), ...nsParams, query('pretty')],
    };
  }
  return paths;
}

/** OpenAPI component name of a kind in a version. */
export function componentNameOf(type: ResourceType, v: ResourceVersion): string {
  return v.componentName;
}

/**
 * One `/openapi/v3/<prefix>` document: paths with `x-kubernetes-group-version-kind` and the
 * `fieldValidation` parameter (kubectl's QueryParamVerifierV3 looks for both), and component
 * schemas with `x-kubernetes-group-version-kind` for validation, apply and explain.
 */
export function openApiDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const entries = registry.inGroupVersion(group, version);
  if (entries.length === 0) return undefined;
  const schemas: JsonObject = {};
  let paths: Record<string, JsonObject> = {};
  for (const [name, schema] of registry.sharedComponents()) schemas[name] = toOpenApi(schema);
  schemas[LIST_META] = {
    type: 'object',
    properties: {
      continue: { type: 'string' },
      remainingItemCount: { type: 'integer', format: 'int64' },
      resourceVersion: { type: 'string' },
      selfLink: { type: 'string' },
    },
  };
  schemas[STATUS] = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      code: { type: 'integer' },
      message: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  };
  for (const { type, version: v } of entries) {
    const name = v.componentName;
    const base: JsonObject = v.schema
      ? toOpenApi(v.schema)
      : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const props = (base.properties ?? {}) as JsonObject;
    base.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...props,
      metadata: { allOf: [refTo(OBJECT_META)], default: {} },
    };
    base.type = 'object';
    base['x-kubernetes-group-version-kind'] = [{ group: type.group, kind: type.kind, version: v.name }];
    schemas[name] = base;
    schemas[`${name}List`] = {
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        items: { type: 'array', items: refTo(name) },
        metadata: { allOf: [refTo(LIST_META)], default: {} },
      },
      'x-kubernetes-group-version-kind': [{ group: type.group, kind: type.listKind, version: v.name }],
    };
    paths = { ...paths, ...pathsFor(type, v, name) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.35.0' },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** Hash kubectl uses as cache key of a document (any stable digest of its content works). */
export function documentHash(doc: JsonObject): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase().slice(0, 128);
}

/** `/openapi/v3`: index of group-version documents. */
export function openApiIndex(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = openApiDocument(registry, g.name, v);
      if (!doc) continue;
      const p = openApiPathOf(g.name, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${documentHash(doc)}` };
    }
  }
  return { paths };
}

/** Full apiVersion of a group-version (helper for callers). */
export const gv = apiVersionOf;
