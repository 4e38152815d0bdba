import type { PrinterColumn, ResourceType, ResourceVersion } from '../api/resource-type.js';
import type { StatusCause } from '../api/status-error.js';
import type { Json, JsonObject, KubeObject } from '../api/types.js';
import { isJsonObject } from '../api/types.js';
import { STANDARD_VERBS } from '../api/builtins/define.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { OBJECT_META } from '../schema/object-meta.js';

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}
function strList(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** OpenAPI component name of a custom kind: reversed group, version, kind (like the CRD builder). */
export function crdComponentName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function versionOf(group: string, kind: string, v: JsonObject): ResourceVersion {
  const name = str(v.name);
  const schemaHolder = isJsonObject(v.schema) ? v.schema : {};
  const raw = isJsonObject(schemaHolder.openAPIV3Schema)
    ? (structuredClone(schemaHolder.openAPIV3Schema) as unknown as JsonSchema)
    : undefined;
  let schema: JsonSchema | undefined;
  if (raw) {
    schema = {
      ...raw,
      properties: { ...(raw.properties ?? {}), metadata: { $ref: `#/components/schemas/${OBJECT_META}` } },
    };
  }
  const columns: PrinterColumn[] = (
    Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : []
  )
    .filter(isJsonObject)
    .map((c) => ({
      name: str(c.name),
      type: str(c.type),
      jsonPath: str(c.jsonPath),
      ...(typeof c.format === 'string' ? { format: c.format } : {}),
      ...(typeof c.description === 'string' ? { description: c.description } : {}),
      ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
    }));
  return {
    name,
    ...(schema ? { schema } : {}),
    printerColumns: columns,
    componentName: crdComponentName(group, name, kind),
  };
}

/** The ResourceType a CRD serves (served versions only). */
export function resourceTypeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = isJsonObject(crd.spec) ? crd.spec : undefined;
  if (!spec) return undefined;
  const names = isJsonObject(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const kind = str(names.kind);
  const versionsRaw = (Array.isArray(spec.versions) ? spec.versions : []).filter(isJsonObject);
  const served = versionsRaw.filter((v) => v.served !== false);
  const storage = versionsRaw.find((v) => v.storage === true);
  if (!group || !kind || served.length === 0 || !storage) return undefined;
  const hasStatus = versionsRaw.some(
    (v) => isJsonObject(v.subresources) && v.subresources.status !== undefined,
  );
  return {
    group,
    plural: str(names.plural),
    singular: str(names.singular) || kind.toLowerCase(),
    kind,
    listKind: str(names.listKind) || `${kind}List`,
    namespaced: spec.scope !== 'Cluster',
    shortNames: strList(names.shortNames),
    categories: strList(names.categories),
    verbs: STANDARD_VERBS,
    versions: served.map((v) => versionOf(group, kind, v)),
    storageVersion: str(storage.name),
    hasStatus,
    extraSubresources: [],
    custom: true,
    virtual: false,
    strategy: {},
  };
}

const CRD_NAME = 'metadata.name';

/** Validation of a CRD (apiextensions-apiserver/pkg/apis/apiextensions/validation), the checks that matter. */
export function validateCrd(crd: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const plural = str(names.plural);
  if (!group) causes.push({ reason: 'FieldValueRequired', field: 'spec.group', message: 'Required value' });
  if (!plural)
    causes.push({ reason: 'FieldValueRequired', field: 'spec.names.plural', message: 'Required value' });
  if (!str(names.kind))
    causes.push({ reason: 'FieldValueRequired', field: 'spec.names.kind', message: 'Required value' });
  if (group && plural && crd.metadata.name !== `${plural}.${group}`) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: CRD_NAME,
      message: `Invalid value: "${crd.metadata.name ?? ''}": must be spec.names.plural+"."+spec.group`,
    });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(isJsonObject);
  if (versions.length === 0)
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.versions',
      message: 'Invalid value: null: must have exactly one version marked as storage version',
    });
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.versions',
      message: `Invalid value: ${JSON.stringify(versions.map((v) => str(v.name)))}: must have exactly one version marked as storage version`,
    });
  }
  versions.forEach((v, i) => {
    const schema = isJsonObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isJsonObject(schema)) {
      causes.push({
        reason: 'FieldValueRequired',
        field: `spec.versions[${i}].schema.openAPIV3Schema`,
        message: 'Required value: schemas are required',
      });
    } else if (schema.type !== 'object') {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `spec.versions[${i}].schema.openAPIV3Schema.type`,
        message: `Invalid value: ${JSON.stringify(schema.type ?? '')}: must be object at the root`,
      });
    }
  });
  return causes;
}

/** Defaults of a CRD (apiextensions/v1 defaults.go): singular, listKind, conversion None. */
export function defaultCrd(crd: KubeObject): void {
  const spec = isJsonObject(crd.spec) ? crd.spec : undefined;
  if (!spec) return;
  const names = isJsonObject(spec.names) ? spec.names : undefined;
  if (names) {
    if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
    if (!names.listKind && typeof names.kind === 'string') names.listKind = `${names.kind}List`;
  }
  if (!isJsonObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  for (const v of (Array.isArray(spec.versions) ? spec.versions : []).filter(isJsonObject)) {
    if (!Array.isArray(v.additionalPrinterColumns) || v.additionalPrinterColumns.length === 0) {
      // Upstream leaves additionalPrinterColumns empty and the table convertor prints Age.
      delete v.additionalPrinterColumns;
    }
  }
}
