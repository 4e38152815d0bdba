import type { Json, JsonObject } from '../api/types.js';
import type { FieldSpec, MessageSpec } from './messages.js';
import { MESSAGES } from './messages.js';
import { ProtobufDecodeError, readFields } from './wire.js';

/** Media type of Kubernetes protobuf (runtime/serializer/protobuf). */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const text = new TextDecoder();

function timeOf(bytes: Uint8Array): string {
  let seconds = 0n;
  let nanos = 0n;
  for (const f of readFields(bytes)) {
    if (f.field === 1 && typeof f.value === 'bigint') seconds = BigInt.asIntN(64, f.value);
    if (f.field === 2 && typeof f.value === 'bigint') nanos = f.value;
  }
  const ms = Number(seconds) * 1000 + Math.floor(Number(nanos) / 1e6);
  const iso = new Date(ms).toISOString();
  return nanos === 0n
    ? iso.replace(/\.\d{3}Z$/, 'Z')
    : iso.replace(/\.(\d{3})Z$/, `.${String(nanos).padStart(9, '0').slice(0, 6)}Z`);
}

function mapEntry(bytes: Uint8Array, valueAsBase64: boolean): [string, string] {
  let key = '';
  let value = '';
  for (const f of readFields(bytes)) {
    if (!(f.value instanceof Uint8Array)) continue;
    if (f.field === 1) key = text.decode(f.value);
    if (f.field === 2) value = valueAsBase64 ? Buffer.from(f.value).toString('base64') : text.decode(f.value);
  }
  return [key, value];
}

function scalar(spec: FieldSpec, value: bigint | Uint8Array): Json | undefined {
  switch (spec.type) {
    case 'string':
      return value instanceof Uint8Array ? text.decode(value) : undefined;
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : undefined;
    case 'int':
      return typeof value === 'bigint' ? Number(BigInt.asIntN(64, value)) : undefined;
    case 'bool':
      return typeof value === 'bigint' ? value !== 0n : undefined;
    case 'time':
      return value instanceof Uint8Array ? timeOf(value) : undefined;
    case 'fields-v1': {
      if (!(value instanceof Uint8Array)) return undefined;
      const raw = readFields(value).find((f) => f.field === 1)?.value;
      return raw instanceof Uint8Array ? (JSON.parse(text.decode(raw)) as Json) : {};
    }
    case 'message':
      return value instanceof Uint8Array && spec.message ? decodeMessage(value, spec.message) : undefined;
    default:
      return undefined;
  }
}

function isZero(v: Json | undefined): boolean {
  return v === '' || v === 0 || v === undefined;
}

/** Decode a generated.proto message into its JSON form (zero values of non-pointer fields omitted, as `omitempty`). */
export function decodeMessage(bytes: Uint8Array, spec: MessageSpec): JsonObject {
  const out: JsonObject = {};
  for (const f of readFields(bytes)) {
    const fs = spec[f.field];
    if (!fs) continue;
    if (fs.type === 'map-string' || fs.type === 'map-bytes') {
      if (!(f.value instanceof Uint8Array)) continue;
      const [k, v] = mapEntry(f.value, fs.type === 'map-bytes');
      const map = (out[fs.name] ?? {}) as JsonObject;
      map[k] = v;
      out[fs.name] = map;
      continue;
    }
    const v = scalar(fs, f.value);
    if (fs.repeated) {
      const arr = (out[fs.name] ?? []) as Json[];
      if (v !== undefined) arr.push(v);
      out[fs.name] = arr;
    } else if (!isZero(v) || (fs.ptr && v !== undefined)) {
      out[fs.name] = v;
    }
  }
  return out;
}

/**
 * Decode a Kubernetes protobuf body (`k8s\0` + runtime.Unknown) of the kinds kubectl sends with
 * its typed clients into the JSON object the rest of the server handles.
 */
export function decodeProtobufObject(body: Buffer): JsonObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new ProtobufDecodeError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  for (const f of readFields(body.subarray(4))) {
    if (f.field === 1 && f.value instanceof Uint8Array) {
      for (const tf of readFields(f.value)) {
        if (!(tf.value instanceof Uint8Array)) continue;
        if (tf.field === 1) apiVersion = text.decode(tf.value);
        if (tf.field === 2) kind = text.decode(tf.value);
      }
    }
    if (f.field === 2 && f.value instanceof Uint8Array) raw = f.value;
  }
  const spec = MESSAGES[kind];
  if (!spec) throw new ProtobufDecodeError(`no protobuf decoding for kind "${kind}" in kube-sim; send JSON`);
  return { apiVersion, kind, ...decodeMessage(raw, spec) };
}
