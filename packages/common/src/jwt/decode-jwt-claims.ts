/** The registered claims of a JWT that this project reads. Kubernetes adds more, kept in `raw`. */
export interface JwtClaims {
  sub?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  aud?: string | string[];
  iss?: string;
  /** The whole decoded payload, for claims not listed above. */
  raw: Readonly<Record<string, unknown>>;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT.test(segment)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Decodes the claims of a compact JWT (`header.payload.signature`) WITHOUT checking the
 * signature: the spoke's TokenReview is what proves a token. Returns `undefined` when the
 * string is not three base64url segments whose first two are JSON objects. Claims of the wrong
 * type are left out rather than failing the whole token.
 */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  if (signature !== '' && !SEGMENT.test(signature)) return undefined;
  if (decodeSegment(header) === undefined) return undefined;
  const claims = decodeSegment(payload);
  if (claims === undefined) return undefined;
  const aud = claims['aud'];
  const result: JwtClaims = { raw: Object.freeze({ ...claims }) };
  const sub = str(claims['sub']);
  if (sub !== undefined) result.sub = sub;
  const iss = str(claims['iss']);
  if (iss !== undefined) result.iss = iss;
  const jti = str(claims['jti']);
  if (jti !== undefined) result.jti = jti;
  const exp = num(claims['exp']);
  if (exp !== undefined) result.exp = exp;
  const iat = num(claims['iat']);
  if (iat !== undefined) result.iat = iat;
  const nbf = num(claims['nbf']);
  if (nbf !== undefined) result.nbf = nbf;
  if (typeof aud === 'string') result.aud = aud;
  else if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) result.aud = aud;
  return result;
}
