import type { PrinterColumn, ResourceType, ResourceVersion } from '../api/resource-type.js';
import type { Json, JsonObject, KubeObject } from '../api/types.js';
import { isJsonObject } from '../api/types.js';
import { evaluateJsonPath } from './json-path.js';
import { humanDuration } from './human-duration.js';

/** `includeObject` of a Table request (metav1.IncludeObjectPolicy). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** Columns after Name for a resource version (CRD additionalPrinterColumns or built-in ones, then Age). */
export function columnsFor(type: ResourceType, version: ResourceVersion): PrinterColumn[] {
  if (type.custom)
    return version.printerColumns && version.printerColumns.length > 0 ? version.printerColumns : [AGE];
  const own = type.strategy.tableColumns ?? [];
  return type.strategy.omitAge ? own : [...own, AGE];
}

function cellOf(obj: KubeObject, column: PrinterColumn, now: number): Json {
  if (column.jsonPath === '__dataCount') {
    const d = isJsonObject(obj.data) ? Object.keys(obj.data).length : 0;
    const b = isJsonObject(obj.binaryData) ? Object.keys(obj.binaryData).length : 0;
    return d + b;
  }
  if (column.jsonPath === '__secretsCount') return Array.isArray(obj.secrets) ? obj.secrets.length : 0;
  if (column.jsonPath === '__involvedObject') {
    const io = isJsonObject(obj.involvedObject) ? obj.involvedObject : {};
    const kind = typeof io.kind === 'string' ? io.kind : '';
    const name = typeof io.name === 'string' ? io.name : '';
    return `${kind.toLowerCase()}/${name}`;
  }
  const results = evaluateJsonPath(obj, column.jsonPath);
  if (results.length === 0) return column.type === 'date' ? '<unknown>' : null;
  const first = results[0] ?? null;
  if (column.type === 'date' && typeof first === 'string') {
    const t = Date.parse(first);
    return Number.isNaN(t) ? first : humanDuration(now - t);
  }
  if (column.type === 'integer' || column.type === 'number') return typeof first === 'number' ? first : null;
  if (column.type === 'boolean') return typeof first === 'boolean' ? first : null;
  if (results.length > 1)
    return results.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(',');
  return typeof first === 'string' ? first : JSON.stringify(first);
}

/**
 * Convert objects into a meta.k8s.io/v1 Table (the server-side printing kubectl asks for, see
 * staging/src/k8s.io/apiserver/pkg/registry/rest/table.go and apiextensions-apiserver/pkg/registry/customresource/tableconvertor).
 */
export function toTable(
  type: ResourceType,
  version: ResourceVersion,
  objects: KubeObject[],
  listMeta: JsonObject,
  includeObject: IncludeObject,
  now = Date.now(),
): JsonObject {
  const columns = columnsFor(type, version);
  const columnDefinitions = [
    NAME_COLUMN,
    ...columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c.format ?? '',
      description:
        c.description ??
        (c === AGE
          ? 'CreationTimestamp is a timestamp representing the server time when this object was created.'
          : ''),
      priority: c.priority ?? 0,
    })),
  ];
  const rows = objects.map((obj) => {
    const row: JsonObject = { cells: [obj.metadata.name ?? '', ...columns.map((c) => cellOf(obj, c, now))] };
    if (includeObject === 'Object') row.object = obj;
    else if (includeObject === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    }
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions, rows };
}
