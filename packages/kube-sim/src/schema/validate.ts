import type { Json } from '../api/types.js';
import { isJsonObject } from '../api/types.js';
import type { StatusCause } from '../api/status-error.js';
import type { JsonSchema, SchemaResolver } from './json-schema.js';
import { resolveSchema } from './json-schema.js';

/** Render a value the way field.Invalid prints it (strings quoted, numbers bare). */
function show(value: Json | undefined): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '"null"';
  return Array.isArray(value) ? '"array"' : '"object"';
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function invalidCause(field: string, value: Json | undefined, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${show(value)}: ${detail}` };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// int32/int64 are not formats kube-openapi's strfmt registry checks (apiextensions-apiserver logs
// them as unrecognized), so, as upstream, they do not limit the range.
function formatOk(format: string, value: Json): boolean {
  switch (format) {
    case 'date-time':
      return (
        typeof value === 'string' &&
        DATE_TIME.test(value) &&
        !Number.isNaN(Date.parse(value.replace(' ', 'T')))
      );
    case 'date':
      return typeof value === 'string' && DATE.test(value);
    case 'byte':
      return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
    default:
      return true;
  }
}

/**
 * Validate a value against a structural schema the way kube-openapi's validator, used by
 * apiextensions-apiserver, reports errors: `Required value`, `Unsupported value`, and `Invalid
 * value: ...: <path> in body should match '<pattern>'` etc. Paths are dotted from the root
 * (`spec.rotation.validity`), list items indexed (`spec.items[0]`).
 */
export function validateAgainstSchema(
  value: Json | undefined,
  schema: JsonSchema,
  resolve: SchemaResolver,
  path = '',
): StatusCause[] {
  const causes: StatusCause[] = [];
  check(value, schema, path, resolve, causes);
  return causes;
}

function check(
  value: Json | undefined,
  rawSchema: JsonSchema | undefined,
  path: string,
  resolve: SchemaResolver,
  causes: StatusCause[],
): void {
  const s = resolveSchema(rawSchema, resolve);
  if (!s || value === undefined) return;
  const field = path;
  if (value === null) {
    if (s.nullable === true || !s.type || s['x-kubernetes-preserve-unknown-fields']) return;
    causes.push(invalidCause(field, 'null', `${field} in body must be of type ${s.type}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      causes.push(
        invalidCause(
          field,
          typeOf(value),
          `${field} in body must be of type integer,string: "${typeOf(value)}"`,
        ),
      );
    }
    return;
  }
  const actual = typeOf(value);
  if (s.type && !(s.type === actual || (s.type === 'number' && actual === 'integer'))) {
    causes.push(invalidCause(field, actual, `${field} in body must be of type ${s.type}: "${actual}"`));
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      field,
      message: `Unsupported value: ${show(value)}: supported values: ${s.enum.map((e) => show(e)).join(', ')}`,
    });
  }
  if (s.format && (s.type === 'string' || s.type === 'integer') && !formatOk(s.format, value)) {
    causes.push(
      invalidCause(field, value, `${field} in body must be of type ${s.format}: ${JSON.stringify(value)}`),
    );
  }
  if (typeof value === 'string') {
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) {
      causes.push(invalidCause(field, value, `${field} in body should match '${s.pattern}'`));
    }
    if (s.maxLength !== undefined && [...value].length > s.maxLength) {
      causes.push({
        reason: 'FieldValueTooLong',
        field,
        message: `Too long: may not be more than ${s.maxLength} bytes`,
      });
    }
    if (s.minLength !== undefined && [...value].length < s.minLength) {
      causes.push(
        invalidCause(field, value, `${field} in body should be at least ${s.minLength} chars long`),
      );
    }
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
      causes.push(
        invalidCause(
          field,
          value,
          `${field} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`,
        ),
      );
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
      causes.push(
        invalidCause(
          field,
          value,
          `${field} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`,
        ),
      );
    }
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems) {
      causes.push({
        reason: 'FieldValueTooMany',
        field,
        message: `Too many: ${value.length}: must have at most ${s.maxItems} items`,
      });
    }
    if (s.minItems !== undefined && value.length < s.minItems) {
      causes.push(invalidCause(field, value, `${field} in body should have at least ${s.minItems} items`));
    }
    value.forEach((item, i) => check(item, s.items, `${path}[${i}]`, resolve, causes));
    return;
  }
  if (isJsonObject(value)) {
    for (const req of s.required ?? []) {
      if (value[req] === undefined) {
        causes.push({
          reason: 'FieldValueRequired',
          field: path ? `${path}.${req}` : req,
          message: 'Required value',
        });
      }
    }
    const n = Object.keys(value).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) {
      causes.push({
        reason: 'FieldValueTooMany',
        field,
        message: `Too many: ${n}: must have at most ${s.maxProperties} items`,
      });
    }
    if (s.minProperties !== undefined && n < s.minProperties) {
      causes.push(
        invalidCause(field, n, `${field} in body should have at least ${s.minProperties} properties`),
      );
    }
    for (const [k, v] of Object.entries(value)) {
      const child =
        s.properties?.[k] ??
        (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (child) check(v, child, path ? `${path}.${k}` : k, resolve, causes);
    }
  }
}
