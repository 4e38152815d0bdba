import { parse as parseYaml } from 'yaml';
import { badRequest } from '../../api/status-error.js';
import type { KubeObject } from '../../api/types.js';
import { isJsonObject } from '../../api/types.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../../protobuf/decode.js';
import { ProtobufDecodeError } from '../../protobuf/wire.js';

/** Decode a JSON or YAML request body into an object (400 like the serializer when it is not). */
export function decodeObject(raw: Buffer, contentType: string | undefined): KubeObject {
  let parsed: unknown;
  const ct = contentType ?? '';
  try {
    if (ct.startsWith(PROTOBUF_CONTENT_TYPE)) parsed = decodeProtobufObject(raw);
    else {
      const text = raw.toString('utf8');
      parsed = ct.includes('yaml') ? parseYaml(text) : JSON.parse(text);
    }
  } catch (e) {
    if (e instanceof ProtobufDecodeError) throw badRequest(e.message);
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (!isJsonObject(parsed))
    throw badRequest(`couldn't get version/kind; json parse error: expected an object`);
  const obj = parsed as KubeObject;
  if (obj.metadata !== undefined && !isJsonObject(obj.metadata))
    throw badRequest('metadata must be an object');
  obj.metadata = obj.metadata ?? {};
  return obj;
}
