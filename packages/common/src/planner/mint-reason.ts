/**
 * Why a token is (re)minted. The hub decides the first eight ({@link decideMint});
 * `TokenReviewFailed` is the worker's: the stored token no longer authenticates on the spoke.
 */
export const MintReason = {
  StatusMissing: 'StatusMissing',
  SecretMissing: 'SecretMissing',
  TokenNotJwt: 'TokenNotJwt',
  SubjectMismatch: 'SubjectMismatch',
  RotationDue: 'RotationDue',
  ValidityChanged: 'ValidityChanged',
  ForcedRotation: 'ForcedRotation',
  TokenReplaced: 'TokenReplaced',
  TokenReviewFailed: 'TokenReviewFailed',
} as const;
/** Mint reason union. */
export type MintReason = (typeof MintReason)[keyof typeof MintReason];
/** All mint reasons, for schemas. */
export const MINT_REASONS: readonly MintReason[] = Object.freeze(Object.values(MintReason));
