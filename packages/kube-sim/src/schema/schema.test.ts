import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../api/types.js';
import { applySchemaDefaults } from './defaults.js';
import type { JsonSchema } from './json-schema.js';
import { pruneUnknownFields } from './prune.js';
import { validateAgainstSchema } from './validate.js';

const none = (): undefined => undefined;
const PATTERN = '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['rotation'],
      properties: {
        rotation: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: true },
            validity: { type: 'string', default: '8640h0m0s', pattern: PATTERN },
          },
        },
        ttl: { type: 'integer', format: 'int32', minimum: 1 },
        mode: { type: 'string', enum: ['A', 'B'] },
        when: { type: 'string', format: 'date-time', nullable: true },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: {
          type: 'array',
          items: { type: 'object', properties: { n: { type: 'integer', maximum: 3 } } },
        },
      },
    },
  },
};

describe('validateAgainstSchema (kube-openapi validate as apiextensions-apiserver reports it)', () => {
  it.each<[JsonObject, string[]]>([
    [{ spec: {} }, ['spec.rotation: Required value']],
    [
      { spec: { rotation: { validity: '30d' } } },
      [
        `spec.rotation.validity: Invalid value: "30d": spec.rotation.validity in body should match '${PATTERN}'`,
      ],
    ],
    [
      { spec: { rotation: {}, ttl: 0 } },
      ['spec.ttl: Invalid value: 0: spec.ttl in body should be greater than or equal to 1'],
    ],
    // format int32 is not range-checked upstream (unrecognized format in apiextensions validation).
    [{ spec: { rotation: {}, ttl: 2 ** 31 } }, []],
    [
      { spec: { rotation: {}, ttl: 'x' } },
      ['spec.ttl: Invalid value: "string": spec.ttl in body must be of type integer: "string"'],
    ],
    [
      { spec: { rotation: {}, mode: 'C' } },
      ['spec.mode: Unsupported value: "C": supported values: "A", "B"'],
    ],
    [
      { spec: { rotation: {}, when: 'yesterday' } },
      ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'],
    ],
    [{ spec: { rotation: {}, when: null } }, []],
    [
      { spec: { rotation: {}, items: [{ n: 1 }, { n: 4 }] } },
      ['spec.items[1].n: Invalid value: 4: spec.items[1].n in body should be less than or equal to 3'],
    ],
    [
      { spec: { rotation: { enabled: null } } },
      [
        'spec.rotation.enabled: Invalid value: "null": spec.rotation.enabled in body must be of type boolean: "null"',
      ],
    ],
  ])('%j', (value, expected) => {
    expect(validateAgainstSchema(value, schema, none).map((c) => `${c.field ?? ''}: ${c.message}`)).toEqual(
      expected,
    );
  });
});

describe('applySchemaDefaults (structural defaulting)', () => {
  it('defaults absent fields top-down, keeps set ones', () => {
    const v: JsonObject = { spec: { rotation: { validity: '1h' } } };
    applySchemaDefaults(v, schema, none);
    expect(v).toEqual({ spec: { rotation: { enabled: true, validity: '1h' } } });
  });
});

describe('pruneUnknownFields (apiextensions-apiserver schema/pruning)', () => {
  it('drops undeclared fields, keeps apiVersion/kind/metadata at the root and preserve-unknown subtrees', () => {
    const v: JsonObject = {
      apiVersion: 'x/v1',
      kind: 'K',
      metadata: { name: 'n' },
      extra: 1,
      spec: { rotation: {}, bogus: true, free: { any: { thing: 1 } }, items: [{ n: 1, z: 2 }] },
    };
    expect(pruneUnknownFields(v, schema, none)).toEqual(['extra', 'spec.bogus', 'spec.items.z']);
    expect(v).toEqual({
      apiVersion: 'x/v1',
      kind: 'K',
      metadata: { name: 'n' },
      spec: { rotation: {}, free: { any: { thing: 1 } }, items: [{ n: 1 }] },
    });
  });
});
