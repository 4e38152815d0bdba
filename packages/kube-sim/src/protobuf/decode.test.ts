import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from './decode.js';
import { ProtobufDecodeError } from './wire.js';

// Hand-encoded per generated.proto: tag = field << 3 | wire type; 2 = length-delimited.
function ld(field: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
}
const str = (field: number, s: string): Buffer => ld(field, Buffer.from(s));

describe('decodeProtobufObject (runtime/serializer/protobuf)', () => {
  it('decodes a Secret in the k8s\\0 + runtime.Unknown envelope', () => {
    const meta = Buffer.concat([
      str(1, 's1'),
      str(3, 'ns'),
      ld(11, Buffer.concat([str(1, 'app'), str(2, 'x')])),
    ]);
    const secret = Buffer.concat([
      ld(1, meta),
      ld(2, Buffer.concat([str(1, 'k'), ld(2, Buffer.from('v'))])),
      str(3, 'Opaque'),
    ]);
    const unknown = Buffer.concat([ld(1, Buffer.concat([str(1, 'v1'), str(2, 'Secret')])), ld(2, secret)]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]);
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'ns', labels: { app: 'x' } },
      data: { k: Buffer.from('v').toString('base64') },
      type: 'Opaque',
    });
  });

  it('refuses bodies without the magic prefix and unknown kinds', () => {
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(ProtobufDecodeError);
    const unknown = ld(1, Buffer.concat([str(1, 'v1'), str(2, 'Pod')]));
    expect(() => decodeProtobufObject(Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]))).toThrow(
      'no protobuf decoding for kind "Pod"',
    );
  });
});
