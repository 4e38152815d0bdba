import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import {
  DEFAULT_MIN_TOKEN_SECONDS,
  validateTokenRequestSpec,
  type TokenRequestFieldError,
} from './token-request-validation.js';

/** Signing algorithm of every service account token (kube-apiserver supports RS256 and ES256). */
const ALGORITHM = 'ES256';

/** A `{name, uid}` reference inside the private `kubernetes.io` claim. */
export interface ObjectReferenceClaim {
  name: string;
  uid: string;
}

/**
 * Claims of a bound service account token, as written by kube-apiserver
 * (`pkg/serviceaccount/claims.go`, `privateClaims` / `kubernetes`).
 */
export interface ServiceAccountClaims {
  iss: string;
  /** `system:serviceaccount:<namespace>:<name>`. */
  sub: string;
  aud: string[];
  iat: number;
  nbf: number;
  exp: number;
  /** A random UUID; the authenticator reports it as credential id `JTI=<jti>`. */
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: ObjectReferenceClaim;
    pod?: ObjectReferenceClaim;
    secret?: ObjectReferenceClaim;
    node?: ObjectReferenceClaim;
  };
}

/** The object a token is bound to (TokenRequest `spec.boundObjectRef`). */
export interface BoundObjectReference {
  kind: string;
  apiVersion?: string;
  name: string;
  uid: string;
}

/** Input of {@link TokenIssuer.createToken}. */
export interface CreateTokenRequest {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  /** Defaults to 3600; below the issuer's minimum it is refused, above its maximum shortened. */
  expirationSeconds?: number;
  /** Defaults to the API server audiences. */
  audiences?: string[];
  boundObjectRef?: BoundObjectReference;
}

/** Output of {@link TokenIssuer.createToken}, the TokenRequest `status` plus audiences. */
export interface CreatedToken {
  token: string;
  /** RFC 3339 time without fractional seconds, e.g. `2026-01-01T10:00:00Z`. */
  expirationTimestamp: string;
  audiences: string[];
}

/** Result of {@link TokenIssuer.verify}; `reason` never contains the token. */
export type TokenVerification = { ok: true; claims: ServiceAccountClaims } | { ok: false; reason: string };

/** Options of {@link TokenIssuer}. */
export interface TokenIssuerOptions {
  /** `iss` of issued tokens; tokens with another issuer are not verified. */
  issuer: string;
  /** The API server audiences (`--api-audiences`); the default `aud` and what requests must match. */
  audiences: string[];
  /** Minimum lifetime in seconds (the real server's is 600). */
  minSeconds: number;
  /** Optional maximum lifetime; longer requests are shortened to it. */
  maxSeconds?: number;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /**
   * Leeway in seconds when checking `exp`/`nbf`. Default 0. kube-apiserver uses go-jose's
   * default leeway of 60 s; the sim uses none so that short-lived test tokens expire on time.
   */
  leewaySeconds?: number;
}

/** Thrown by {@link TokenIssuer.createToken} when the request fails TokenRequest validation. */
export class InvalidTokenRequestError extends Error {
  constructor(readonly errors: TokenRequestFieldError[]) {
    super(errors.map((e) => e.message).join(', '));
    this.name = 'InvalidTokenRequestError';
  }
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(publicKey);
  // kube-apiserver derives `kid` from a hash of the public key, so equal keys have equal ids.
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: ALGORITHM, use: 'sig' } };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isReference(value: unknown): value is ObjectReferenceClaim {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['name'] === 'string' && typeof r['uid'] === 'string';
}

/** Parses the verified payload; undefined when it is not a service account token. */
function parseClaims(payload: unknown): ServiceAccountClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const aud = typeof p['aud'] === 'string' ? [p['aud']] : p['aud'];
  const k8s = p['kubernetes.io'];
  if (
    typeof p['iss'] !== 'string' ||
    typeof p['sub'] !== 'string' ||
    !isStringArray(aud) ||
    typeof p['iat'] !== 'number' ||
    typeof p['nbf'] !== 'number' ||
    typeof p['exp'] !== 'number' ||
    typeof p['jti'] !== 'string' ||
    typeof k8s !== 'object' ||
    k8s === null
  ) {
    return undefined;
  }
  const k = k8s as Record<string, unknown>;
  const serviceaccount = k['serviceaccount'];
  if (typeof k['namespace'] !== 'string' || !isReference(serviceaccount)) return undefined;
  const claims: ServiceAccountClaims = {
    iss: p['iss'],
    sub: p['sub'],
    aud,
    iat: p['iat'],
    nbf: p['nbf'],
    exp: p['exp'],
    jti: p['jti'],
    'kubernetes.io': {
      namespace: k['namespace'],
      serviceaccount: { name: serviceaccount.name, uid: serviceaccount.uid },
    },
  };
  for (const kind of ['pod', 'secret', 'node'] as const) {
    const ref = k[kind];
    if (ref === undefined) continue;
    if (!isReference(ref)) return undefined;
    claims['kubernetes.io'][kind] = { name: ref.name, uid: ref.uid };
  }
  return claims;
}

/** RFC 3339 in UTC without fractional seconds, as Kubernetes serialises `metav1.Time`. */
function rfc3339Seconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Issues and verifies service account JWTs for one simulated cluster, with its own ES256
 * signing key. Mirrors kube-apiserver's TokenRequest (`pkg/registry/core/serviceaccount/
 * storage/token.go`) and its service account token validator (`pkg/serviceaccount/claims.go`,
 * `pkg/serviceaccount/jwt.go`). Existence checks of the service account and bound object are
 * the authenticator's job, since they need the object store.
 */
export class TokenIssuer {
  /** `iss` of every token this cluster mints. */
  readonly issuer: string;
  /** The API server audiences: default `aud`, and what request tokens must intersect. */
  readonly audiences: readonly string[];
  /** Minimum accepted lifetime in seconds; 600 when the option is not positive. */
  readonly minSeconds: number;
  /** Maximum lifetime in seconds, or undefined for none. */
  readonly maxSeconds: number | undefined;
  private readonly now: () => number;
  private readonly leewaySeconds: number;
  private keyPromise: Promise<SigningKey>;

  constructor(opts: TokenIssuerOptions) {
    if (opts.audiences.length === 0) throw new Error('TokenIssuer needs at least one API audience');
    this.issuer = opts.issuer;
    this.audiences = Object.freeze([...opts.audiences]);
    this.minSeconds = opts.minSeconds > 0 ? opts.minSeconds : DEFAULT_MIN_TOKEN_SECONDS;
    this.maxSeconds = opts.maxSeconds;
    this.now = opts.now ?? Date.now;
    this.leewaySeconds = opts.leewaySeconds ?? 0;
    this.keyPromise = generateSigningKey();
  }

  /**
   * Mints a token. `exp - iat` equals the effective lifetime exactly (default 3600, shortened to
   * `maxSeconds`); throws {@link InvalidTokenRequestError} below `minSeconds` or above 2^32.
   */
  async createToken(req: CreateTokenRequest): Promise<CreatedToken> {
    const validation = validateTokenRequestSpec(
      { expirationSeconds: req.expirationSeconds, audiences: req.audiences },
      { minSeconds: this.minSeconds, maxSeconds: this.maxSeconds },
    );
    if (!validation.ok) throw new InvalidTokenRequestError(validation.errors);
    const audiences =
      req.audiences !== undefined && req.audiences.length > 0 ? [...req.audiences] : [...this.audiences];
    const key = await this.keyPromise;
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + validation.expirationSeconds;
    const claims: ServiceAccountClaims = {
      iss: this.issuer,
      sub: `system:serviceaccount:${req.namespace}:${req.serviceAccountName}`,
      aud: audiences,
      iat,
      nbf: iat,
      exp,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: req.namespace,
        serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUid },
      },
    };
    const bound = req.boundObjectRef;
    if (bound !== undefined) {
      const kindKey = boundKindClaimKey(bound.kind);
      if (kindKey === undefined) {
        // storage/token.go: errors.NewBadRequest("cannot bind token to object of type " + gvk.String()).
        const apiVersion = bound.apiVersion ?? 'v1';
        const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
        throw new Error(`cannot bind token to object of type ${gv}, Kind=${bound.kind}`);
      }
      claims['kubernetes.io'][kindKey] = { name: bound.name, uid: bound.uid };
    }
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid })
      .sign(key.privateKey);
    return { token, expirationTimestamp: rfc3339Seconds(exp), audiences };
  }

  /**
   * Verifies signature (current key only), issuer, time window and that `aud` intersects
   * `audiences` (default: the API server audiences). Never throws.
   */
  async verify(token: string, audiences?: readonly string[]): Promise<TokenVerification> {
    const wanted = audiences !== undefined && audiences.length > 0 ? audiences : this.audiences;
    const key = await this.keyPromise;
    let payloadBytes: Uint8Array;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== ALGORITHM) return { ok: false, reason: 'unexpected signing algorithm' };
      const verified = await compactVerify(token, key.publicKey, { algorithms: [ALGORITHM] });
      payloadBytes = verified.payload;
    } catch {
      // Same words as go-jose in kube's JWT authenticator; the token itself is not echoed.
      return { ok: false, reason: 'go-jose/go-jose: error in cryptographic primitive' };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(payloadBytes));
    } catch {
      return { ok: false, reason: 'token payload is not JSON' };
    }
    const claims = parseClaims(payload);
    if (claims === undefined) return { ok: false, reason: 'token lacks service account claims' };
    if (claims.iss !== this.issuer) return { ok: false, reason: 'token issuer is not trusted' };
    // jwt.go checks the audience right after the signature, before the time window (claims.go).
    if (!claims.aud.some((a) => wanted.includes(a))) {
      // pkg/serviceaccount/jwt.go: "token audiences %q is invalid for the target audiences %q".
      return {
        ok: false,
        reason: `token audiences ${goQuoteList(claims.aud)} is invalid for the target audiences ${goQuoteList(wanted)}`,
      };
    }
    const nowSeconds = this.now() / 1000;
    // Messages from pkg/serviceaccount/claims.go (Validate).
    if (nowSeconds >= claims.exp + this.leewaySeconds) {
      return { ok: false, reason: 'service account token has expired' };
    }
    if (nowSeconds + this.leewaySeconds < claims.nbf) {
      return { ok: false, reason: 'service account token is not valid yet' };
    }
    if (nowSeconds + this.leewaySeconds < claims.iat) {
      return { ok: false, reason: 'service account token is issued in the future' };
    }
    return { ok: true, claims };
  }

  /**
   * Replaces the signing key. Tokens signed by the old key stop verifying at once (the
   * "signing-key rotation" fault); tokens minted afterwards use the new key and `kid`.
   */
  async rotateSigningKey(): Promise<void> {
    const next = generateSigningKey();
    await next;
    this.keyPromise = next;
  }

  /** The public signing keys as a JWKS, as served at `/openid/v1/jwks`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const key = await this.keyPromise;
    return { keys: [{ ...key.publicJwk }] };
  }

  /** The `kid` of the current signing key. */
  async currentKeyId(): Promise<string> {
    return (await this.keyPromise).kid;
  }
}

/** Formats a string list like Go's `%q` of a `[]string`: `["a" "b"]`. */
function goQuoteList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** Claim key for a bound object kind; the real server binds only Pods, Secrets and Nodes. */
export function boundKindClaimKey(kind: string): 'pod' | 'secret' | 'node' | undefined {
  switch (kind) {
    case 'Pod':
      return 'pod';
    case 'Secret':
      return 'secret';
    case 'Node':
      return 'node';
    default:
      return undefined;
  }
}
