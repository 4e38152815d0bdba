import type { Json } from '../api/types.js';
import { isJsonObject, jsonEqual } from '../api/types.js';

/** An RFC 6902 operation. */
export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** A JSON patch that cannot be applied; the server answers 422 (or 400 for a malformed patch). */
export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly malformed = false,
  ) {
    super(message);
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: "${pointer}"`, true);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Json[] | { [k: string]: Json | undefined };

function parentOf(
  doc: Json,
  tokens: string[],
  op: string,
  path: string,
): { parent: Container; last: string } {
  let cur: Json | undefined = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isJsonObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null) {
      throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
    }
  }
  if (!Array.isArray(cur) && !isJsonObject(cur)) {
    throw new JsonPatchError(`unable to ${op} a value at "${path}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(arr: Json[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new JsonPatchError(`invalid array index "${token}" at "${path}"`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i >= arr.length)) {
    throw new JsonPatchError(`Unable to access invalid index: ${i}`);
  }
  return i;
}

function getAt(doc: Json, path: string): Json {
  let cur: Json | undefined = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isJsonObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, 'add', path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, path), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  const { parent, last } = parentOf(doc, tokens, 'remove', path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false, path), 1);
  else {
    if (!(last in parent))
      throw new JsonPatchError(`Unable to remove nonexistent key: ${last}: missing value`);
    delete parent[last];
  }
  return doc;
}

/** Apply RFC 6902 operations (evanphx/json-patch semantics, as kube-apiserver uses). */
export function applyJsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations))
    throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', true);
  let doc = structuredClone(document);
  for (const raw of operations) {
    if (!isJsonObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new JsonPatchError('invalid JSON patch operation', true);
    }
    const op: JsonPatchOperation = raw as unknown as JsonPatchOperation;
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, structuredClone(op.value ?? null));
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        getAt(doc, op.path);
        doc = add(remove(doc, op.path), op.path, structuredClone(op.value ?? null));
        break;
      case 'move': {
        const v = getAt(doc, op.from ?? '');
        doc = add(remove(doc, op.from ?? ''), op.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, structuredClone(getAt(doc, op.from ?? '')));
        break;
      case 'test':
        if (!jsonEqual(getAt(doc, op.path), op.value ?? null)) {
          throw new JsonPatchError(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${op.op}`, true);
    }
  }
  return doc;
}
