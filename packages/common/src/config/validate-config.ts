import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { REDACTED } from '../logging/redact-jwts.js';

/** Result of {@link validateConfig}. */
export type ConfigResult<T> = { ok: true; value: Readonly<T> } | { ok: false; problems: string[] };

interface SchemaNode {
  description?: string;
  secret?: boolean;
  required?: string[];
  additionalProperties?: unknown;
  properties?: Record<string, SchemaNode>;
}

const node = (schema: unknown): SchemaNode => (schema !== null && typeof schema === 'object' ? schema : {});

function fieldSchema(schema: TSchema, path: string[]): SchemaNode | undefined {
  let current: SchemaNode | undefined = node(schema);
  for (const key of path) current = current?.properties?.[key];
  return current;
}

function show(schema: TSchema, path: string[], raw: unknown): string {
  if (fieldSchema(schema, path)?.secret === true) return REDACTED;
  const text = JSON.stringify(raw);
  return text === undefined ? String(raw) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Validates raw configuration (strings from env and flags are converted to numbers and
 * booleans; defaults are applied) against a TypeBox schema. Returns ALL problems, one line per
 * field, naming the field, what is wrong and what to do; or the typed value, frozen. Secret
 * fields' values never appear in problems. Pure: `raw` is not modified.
 */
export function validateConfig<S extends TSchema>(schema: S, raw: unknown): ConfigResult<Static<S>> {
  const value: unknown = Value.Convert(schema, Value.Default(schema, Value.Clone(raw ?? {})));
  const root = node(schema);
  const problems =
    root.properties !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)
      ? objectProblems(schema, root, value as Record<string, unknown>)
      : fieldProblems(schema, [], value);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: deepFreeze(value) as Readonly<Static<S>> };
}

/**
 * Checks each field on its own: TypeBox stops collecting errors after a few, and we promise
 * every problem in one go.
 */
function objectProblems(schema: TSchema, root: SchemaNode, value: Record<string, unknown>): string[] {
  const properties = root.properties ?? {};
  const required = new Set(node(schema).required ?? []);
  const problems: string[] = [];
  for (const [key, sub] of Object.entries(properties)) {
    if (value[key] === undefined) {
      if (required.has(key)) problems.push(`${key}: is required; ${sub.description ?? 'set it'}`);
      continue;
    }
    problems.push(...fieldProblems(schema, [key], value[key]));
  }
  if (root.additionalProperties === false) {
    const known = Object.keys(properties);
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        problems.push(
          `${key}: is not a known setting; remove it or check the spelling (known: ${known.join(', ')})`,
        );
      }
    }
  }
  return problems;
}

function fieldProblems(schema: TSchema, path: string[], value: unknown): string[] {
  const sub = path.length === 0 ? schema : fieldSchema(schema, path);
  if (sub === undefined) return [];
  const errors = Value.Errors(sub, value);
  if (errors.length === 0) return [];
  const field = path.join('.') || '(root)';
  // Branch errors of a union repeat what the union error says; prefer a specific one.
  const specific = errors.find((e) => !e.schemaPath.includes('/anyOf/') && e.keyword !== 'anyOf');
  const what = specific === undefined ? 'is not an allowed value' : specific.message;
  const hint = node(sub).description ?? 'fix it';
  return [`${field}: ${what} (got ${show(schema, path, value)}); ${hint}`];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Top-level field names marked `secret: true` in a config schema. */
export function secretConfigFields(schema: TSchema): string[] {
  return Object.entries(node(schema).properties ?? {})
    .filter(([, field]) => field.secret === true)
    .map(([key]) => key);
}

/** A copy of a config value safe to log: secret fields become `[REDACTED]`. */
export function redactConfig(schema: TSchema, value: object): Record<string, unknown> {
  const secrets = new Set(secretConfigFields(schema));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, secrets.has(key) && v !== undefined ? REDACTED : v]),
  );
}
