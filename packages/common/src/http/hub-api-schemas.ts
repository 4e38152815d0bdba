import { Type, type Static } from 'typebox';
import { ERROR_CODES } from '../errors/error-catalog.js';

const DateTime = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp' });
const Name = Type.String({ minLength: 1, maxLength: 253 });

/** Prefix of the hub API routes. */
export const HUB_API_PREFIX = '/v1';

/** Paths of the hub API for one cluster. */
export const hubApiPaths = {
  tokens: (cluster: string): string => `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/tokens`,
  failures: (cluster: string): string => `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/failures`,
  heartbeat: (cluster: string): string =>
    `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/heartbeat`,
  managedServiceAccounts: (cluster: string): string =>
    `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/managedserviceaccounts`,
  token: (cluster: string, name: string): string =>
    `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/managedserviceaccounts/${encodeURIComponent(name)}/token`,
  credential: (cluster: string): string =>
    `${HUB_API_PREFIX}/clusters/${encodeURIComponent(cluster)}/credential`,
} as const;

/** Path parameters `:cluster`. */
export const ClusterParamsSchema = Type.Object({ cluster: Type.String({ minLength: 1, maxLength: 63 }) });
/** Path parameters type. */
export type ClusterParams = Static<typeof ClusterParamsSchema>;
/** Path parameters `:cluster` and `:name`. */
export const ClusterNameParamsSchema = Type.Object({
  cluster: Type.String({ minLength: 1, maxLength: 63 }),
  name: Name,
});
/** Path parameters type. */
export type ClusterNameParams = Static<typeof ClusterNameParamsSchema>;

/** `POST /v1/clusters/:cluster/tokens` body: a freshly minted token. */
export const TokenReportSchema = Type.Object(
  {
    name: Name,
    uid: Type.String({ minLength: 1 }),
    token: Type.String({ minLength: 1 }),
    /** PEM CA bundle of the spoke API server. */
    caBundle: Type.String(),
    /** Granted expiry from the TokenRequest status. */
    expirationTimestamp: DateTime,
    requestedExpirationSeconds: Type.Integer({ minimum: 1 }),
    rotateToken: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
/** Token report body. */
export type TokenReport = Static<typeof TokenReportSchema>;
/** Answer to a token report. */
export const TokenReportResponseSchema = Type.Object({
  secretName: Type.String(),
  lastRefreshTimestamp: DateTime,
});
/** Answer to a token report. */
export type TokenReportResponse = Static<typeof TokenReportResponseSchema>;

/** `POST /v1/clusters/:cluster/failures` body. The message must not contain a token. */
export const FailureReportSchema = Type.Object(
  {
    name: Name,
    uid: Type.String({ minLength: 1 }),
    reason: Type.String({ minLength: 1, maxLength: 1024 }),
    message: Type.String({ maxLength: 32768 }),
    retryable: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** Failure report body. */
export type FailureReport = Static<typeof FailureReportSchema>;
/** Answer to a failure report. */
export const FailureReportResponseSchema = Type.Object({ recorded: Type.Literal(true) });
/** Answer to a failure report. */
export type FailureReportResponse = Static<typeof FailureReportResponseSchema>;

/** `POST /v1/clusters/:cluster/heartbeat` body. */
export const HeartbeatSchema = Type.Object(
  {
    workerId: Type.String({ minLength: 1, maxLength: 253 }),
    agentNamespace: Type.String({ minLength: 1, maxLength: 63 }),
    version: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);
/** Heartbeat body. */
export type Heartbeat = Static<typeof HeartbeatSchema>;
/** Answer to a heartbeat. */
export const HeartbeatResponseSchema = Type.Object({
  serverTime: DateTime,
  /** Expiry of the worker's own hub credential, when the hub can tell. */
  credentialExpiresAt: Type.Optional(DateTime),
});
/** Answer to a heartbeat. */
export type HeartbeatResponse = Static<typeof HeartbeatResponseSchema>;

/** `GET /v1/clusters/:cluster/managedserviceaccounts` answer (for sweeps; never tokens). */
export const MsaListResponseSchema = Type.Object({
  /** False while the hub's cache has not synced: do not delete anything based on this list. */
  synced: Type.Boolean(),
  items: Type.Array(Type.Object({ name: Type.String(), uid: Type.String(), deleting: Type.Boolean() })),
});
/** MSA list answer. */
export type MsaListResponse = Static<typeof MsaListResponseSchema>;

/** `GET /v1/clusters/:cluster/managedserviceaccounts/:name/token` answer. */
export const TokenReadResponseSchema = Type.Object({
  name: Type.String(),
  uid: Type.String(),
  token: Type.Union([Type.String(), Type.Null()]),
});
/** Token read-back answer. */
export type TokenReadResponse = Static<typeof TokenReadResponseSchema>;

/** `POST /v1/clusters/:cluster/credential` body: renew the worker's hub credential. */
export const CredentialRequestSchema = Type.Object(
  { expirationSeconds: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
/** Credential renewal body. */
export type CredentialRequest = Static<typeof CredentialRequestSchema>;
/** Credential renewal answer. */
export const CredentialResponseSchema = Type.Object({ token: Type.String(), expirationTimestamp: DateTime });
/** Credential renewal answer. */
export type CredentialResponse = Static<typeof CredentialResponseSchema>;

/** Body of every hub API error. */
export const ErrorBodySchema = Type.Object({
  code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
  message: Type.String(),
  statusCode: Type.Integer(),
});
