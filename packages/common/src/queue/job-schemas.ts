import { Type, type Static } from 'typebox';
import { MINT_REASONS, type MintReason } from '../planner/mint-reason.js';

const DateTime = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp' });
const Name = Type.String({ minLength: 1, maxLength: 253 });

// Type.Union over a mapped array cannot narrow its static type; Unsafe keeps the validation of the
// union and gives the schema the MintReason union as its static type.
/** `mintReason` of a reconcile job: one of the mint reasons, or null when the hub did not decide. */
export const MintReasonSchema = Type.Unsafe<MintReason>(Type.Union(MINT_REASONS.map((r) => Type.Literal(r))));

/** Payload of a `reconcile` job. Never contains a token. */
export const ReconcileJobSchema = Type.Object(
  {
    cluster: Name,
    namespace: Name,
    name: Name,
    uid: Type.String({ minLength: 1 }),
    expirationSeconds: Type.Integer({ minimum: 1 }),
    /** Non-null: the hub already knows a mint is needed. */
    mintReason: Type.Union([MintReasonSchema, Type.Null()]),
    /** Fetch the stored token and TokenReview it on the spoke before deciding. */
    verify: Type.Boolean(),
    /** The MSA's `msa-queue.io/rotate` value this job answers, if any. */
    rotateToken: Type.Optional(Type.String()),
    enqueuedAt: DateTime,
  },
  { additionalProperties: false },
);
/** Payload of a `reconcile` job. */
export type ReconcileJobData = Static<typeof ReconcileJobSchema>;

/** Payload of a `delete-service-account` job. */
export const DeleteServiceAccountJobSchema = Type.Object(
  { cluster: Name, namespace: Name, name: Name, uid: Type.String({ minLength: 1 }), enqueuedAt: DateTime },
  { additionalProperties: false },
);
/** Payload of a `delete-service-account` job. */
export type DeleteServiceAccountJobData = Static<typeof DeleteServiceAccountJobSchema>;

/** Payload of a `sweep` job (find orphaned labelled SAs on the spoke). */
export const SweepJobSchema = Type.Object(
  { cluster: Name, reason: Type.String(), enqueuedAt: DateTime },
  { additionalProperties: false },
);
/** Payload of a `sweep` job. */
export type SweepJobData = Static<typeof SweepJobSchema>;
