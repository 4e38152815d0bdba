/** One decoded protobuf field: its number and raw value. */
export interface WireField {
  field: number;
  wireType: number;
  /** Varint / fixed values as bigint; length-delimited values as bytes. */
  value: bigint | Uint8Array;
}

/** A protobuf message that cannot be decoded; the server answers 400. */
export class ProtobufDecodeError extends Error {}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i] ?? 0;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
    if (shift > 70n) break;
  }
  throw new ProtobufDecodeError('truncated varint');
}

/** Split a message into its fields (protobuf wire format). */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (wireType === 0) {
      const [v, next] = readVarint(buf, pos);
      out.push({ field, wireType, value: v });
      pos = next;
    } else if (wireType === 2) {
      const [len, next] = readVarint(buf, pos);
      const end = next + Number(len);
      if (end > buf.length) throw new ProtobufDecodeError('truncated length-delimited field');
      out.push({ field, wireType, value: buf.subarray(next, end) });
      pos = end;
    } else if (wireType === 1) {
      if (pos + 8 > buf.length) throw new ProtobufDecodeError('truncated fixed64');
      out.push({ field, wireType, value: Buffer.from(buf.subarray(pos, pos + 8)).readBigUInt64LE() });
      pos += 8;
    } else if (wireType === 5) {
      if (pos + 4 > buf.length) throw new ProtobufDecodeError('truncated fixed32');
      out.push({ field, wireType, value: BigInt(Buffer.from(buf.subarray(pos, pos + 4)).readUInt32LE()) });
      pos += 4;
    } else {
      throw new ProtobufDecodeError(`unsupported wire type ${wireType}`);
    }
  }
  return out;
}
