import {
  ANNOTATION_REQUESTED_SECONDS,
  ANNOTATION_ROTATE,
  ANNOTATION_ROTATED_FOR,
  SECRET_TOKEN_KEY,
} from '../api/constants.js';
import type { ManagedServiceAccount, TokenSecret } from '../api/types.js';
import { validityToExpirationSeconds } from '../duration/validity-to-expiration-seconds.js';
import { decodeJwtClaims } from '../jwt/decode-jwt-claims.js';
import { computeRotationDeadline } from './compute-rotation-deadline.js';
import { MintReason } from './mint-reason.js';

/** Input of {@link decideMint}. */
export interface DecideMintInput {
  msa: ManagedServiceAccount;
  /** The hub Secret of the same namespace/name, or undefined when it does not exist. */
  secret: TokenSecret | undefined;
  now: Date;
  /** The spoke's agent namespace when known (from the worker's heartbeat); enables the `sub` check. */
  agentNamespace?: string;
}

/** Result of {@link decideMint}. */
export type MintDecision =
  | { action: 'mint'; reason: MintReason }
  | { action: 'none'; nextCheckAt: Date }
  | { action: 'invalid'; message: string };

/** Slack between a token's `exp` and the recorded expiry (both whole seconds in practice). */
const EXPIRY_TOLERANCE_MS = 2000;

function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * The hub's half of the mint rules (UPSTREAM-BEHAVIOR "When a token is (re)minted"), as a pure
 * function of the MSA, its Secret and the clock. In order:
 * invalid validity → `invalid`; status `tokenSecretRef`/`expirationTimestamp` missing →
 * `StatusMissing`; Secret or `data.token` missing → `SecretMissing`; token not a JWT →
 * `TokenNotJwt` (ours; upstream stays failed forever); `sub` not the agent namespace's SA →
 * `SubjectMismatch`; the token's `exp` is not the recorded `expirationTimestamp` (± 2 s) →
 * `TokenReplaced` (ours: someone put an older, expired or revoked token there); past the 0.8 point (no jitter) → `RotationDue`; requested lifetime differs
 * from the Secret's requested-seconds annotation → `ValidityChanged` (ours; absent annotation =
 * unknown, no mint); `msa-queue.io/rotate` differs from the Secret's `rotated-for` →
 * `ForcedRotation`. Otherwise `none` with the next check at the 0.8 point. The TokenReview
 * check is the worker's (`verify` jobs).
 */
export function decideMint(input: DecideMintInput): MintDecision {
  const { msa, secret, now, agentNamespace } = input;
  const validity = validityToExpirationSeconds(msa.spec?.rotation?.validity);
  if (!validity.ok) return { action: 'invalid', message: validity.error };

  const status = msa.status;
  const lastRefresh = parseTime(status?.tokenSecretRef?.lastRefreshTimestamp);
  const expiry = parseTime(status?.expirationTimestamp);
  if (status?.tokenSecretRef === undefined || lastRefresh === undefined || expiry === undefined) {
    return { action: 'mint', reason: MintReason.StatusMissing };
  }

  const encoded = secret?.data?.[SECRET_TOKEN_KEY];
  if (secret === undefined || encoded === undefined || encoded === '') {
    return { action: 'mint', reason: MintReason.SecretMissing };
  }
  const claims = decodeJwtClaims(decodeBase64(encoded));
  if (claims === undefined) return { action: 'mint', reason: MintReason.TokenNotJwt };

  if (agentNamespace !== undefined) {
    const expected = `system:serviceaccount:${agentNamespace}:${msa.metadata.name ?? ''}`;
    if (claims.sub !== expected) return { action: 'mint', reason: MintReason.SubjectMismatch };
  }

  // The status records the expiry of the token the hub stored; a token whose `exp` differs was put
  // there by someone else (an older, expired or revoked token of the same SA): replace it now
  // rather than at the next re-validation. Tokens without `exp` cannot be compared.
  if (claims.exp !== undefined && Math.abs(claims.exp * 1000 - expiry.getTime()) > EXPIRY_TOLERANCE_MS) {
    return { action: 'mint', reason: MintReason.TokenReplaced };
  }

  const deadline = computeRotationDeadline({ lastRefresh, expiry, jitterFraction: 0 });
  if (now.getTime() >= deadline.getTime()) return { action: 'mint', reason: MintReason.RotationDue };

  const requested = secret.metadata.annotations?.[ANNOTATION_REQUESTED_SECONDS];
  // Secrets written by upstream carry no annotation: the requested lifetime is unknown, not changed.
  if (requested !== undefined && requested !== String(validity.seconds)) {
    return { action: 'mint', reason: MintReason.ValidityChanged };
  }

  const rotate = msa.metadata.annotations?.[ANNOTATION_ROTATE];
  if (rotate !== undefined && rotate !== secret.metadata.annotations?.[ANNOTATION_ROTATED_FOR]) {
    return { action: 'mint', reason: MintReason.ForcedRotation };
  }

  return { action: 'none', nextCheckAt: deadline };
}
