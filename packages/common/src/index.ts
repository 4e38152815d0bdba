// The public surface of @msa/common. Explicit named exports only (STYLE.md rule 1).

export {
  API_GROUP,
  MSA_KIND,
  MSA_PLURAL,
  MSA_SINGULAR,
  MSA_SHORT_NAMES,
  MSA_STORAGE_VERSION,
  MSA_VERSIONS,
  MSA_API_VERSION,
  CLUSTER_API_GROUP,
  CLUSTER_KIND,
  CLUSTER_PLURAL,
  CLUSTER_VERSION,
  LABEL_MANAGED_SA,
  LABEL_MANAGED_SA_VALUE,
  ANNOTATION_PREFIX,
  ANNOTATION_REQUESTED_SECONDS,
  ANNOTATION_GRANTED_SECONDS,
  ANNOTATION_ROTATE,
  ANNOTATION_ROTATED_FOR,
  DEFAULT_AGENT_NAMESPACE,
  DEFAULT_WORKER_SA_NAME,
  DEFAULT_VALIDITY,
  DEFAULT_VALIDITY_SECONDS,
  SECRET_TOKEN_KEY,
  SECRET_CA_KEY,
} from './api/constants.js';
export type { MsaVersion } from './api/constants.js';
export { ConditionType, ConditionReason } from './api/conditions-constants.js';
export { ConditionStatus } from './api/types.js';
export type {
  Condition,
  ManagedServiceAccount,
  ManagedServiceAccountSpec,
  ManagedServiceAccountStatus,
  ObjectMeta,
  OwnerReference,
  RotationSpec,
  TokenSecret,
  TokenSecretRef,
} from './api/types.js';
export { msaCrd, managedClusterCrd, crdManifests, VALIDITY_PATTERN } from './api/crds.js';
export type { JsonObject, JsonValue } from './api/crds.js';

export { parseGoDuration } from './duration/parse-go-duration.js';
export type { ParseGoDurationResult } from './duration/parse-go-duration.js';
export { formatGoDuration } from './duration/format-go-duration.js';
export { validityToExpirationSeconds } from './duration/validity-to-expiration-seconds.js';
export type { ValidityResult } from './duration/validity-to-expiration-seconds.js';

export {
  isDns1123Label,
  isDns1123Subdomain,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
} from './validation/dns1123.js';

export { decodeJwtClaims } from './jwt/decode-jwt-claims.js';
export type { JwtClaims } from './jwt/decode-jwt-claims.js';

export { setCondition, findCondition, conditionsEqual, toKubeTime } from './conditions/set-condition.js';
export type { ConditionInput } from './conditions/set-condition.js';
export {
  secretCreatedCondition,
  tokenReportedCondition,
  tokenReportFailedCondition,
  clusterNotFoundCondition,
  invalidSpecCondition,
  workerAvailableCondition,
  workerHeartbeatMissedCondition,
} from './conditions/condition-builders.js';

export { MintReason, MINT_REASONS } from './planner/mint-reason.js';
export { decideMint } from './planner/decide-mint.js';
export type { DecideMintInput, MintDecision } from './planner/decide-mint.js';
export {
  computeRotationDeadline,
  ROTATION_POINT,
  DEFAULT_ROTATION_JITTER,
} from './planner/compute-rotation-deadline.js';
export type { RotationDeadlineInput } from './planner/compute-rotation-deadline.js';
export {
  computeBackoff,
  parseRetryAfter,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
} from './planner/compute-backoff.js';
export type { BackoffOptions } from './planner/compute-backoff.js';

export { ErrorCode, ERROR_CATALOG, ERROR_CODES, isErrorCode } from './errors/error-catalog.js';
export type { ErrorCatalogEntry } from './errors/error-catalog.js';
export { MsaError, isMsaError } from './errors/msa-error.js';
export type { ErrorBody, MsaErrorOptions } from './errors/msa-error.js';
export {
  KubeFailureKind,
  KUBE_FAILURE_CODES,
  classifyKubeFailure,
  kubeFailureToMsaError,
} from './errors/kube-failure.js';
export type { KubeStatusBody } from './errors/kube-failure.js';

export { HubConfigSchema, WorkerConfigSchema } from './config/config-schemas.js';
export type { HubConfig, WorkerConfig } from './config/config-schemas.js';
export { validateConfig, secretConfigFields, redactConfig } from './config/validate-config.js';
export type { ConfigResult } from './config/validate-config.js';

export { createLogger, LOG_LEVELS, REDACT_PATHS } from './logging/create-logger.js';
export type { CreateLoggerOptions, LogLevel } from './logging/create-logger.js';
export { redactJwts, JWT_PATTERN, REDACTED } from './logging/redact-jwts.js';

export {
  QUEUE_PREFIX,
  queueNameForCluster,
  JobName,
  dedupIdForMsa,
  rotationJobId,
} from './queue/queue-names.js';
export {
  MintReasonSchema,
  ReconcileJobSchema,
  DeleteServiceAccountJobSchema,
  SweepJobSchema,
} from './queue/job-schemas.js';
export type { ReconcileJobData, DeleteServiceAccountJobData, SweepJobData } from './queue/job-schemas.js';

export {
  HUB_API_PREFIX,
  hubApiPaths,
  ClusterParamsSchema,
  ClusterNameParamsSchema,
  TokenReportSchema,
  TokenReportResponseSchema,
  FailureReportSchema,
  FailureReportResponseSchema,
  HeartbeatSchema,
  HeartbeatResponseSchema,
  MsaListResponseSchema,
  TokenReadResponseSchema,
  CredentialRequestSchema,
  CredentialResponseSchema,
  ErrorBodySchema,
} from './http/hub-api-schemas.js';
export type {
  ClusterParams,
  ClusterNameParams,
  TokenReport,
  TokenReportResponse,
  FailureReport,
  FailureReportResponse,
  Heartbeat,
  HeartbeatResponse,
  MsaListResponse,
  TokenReadResponse,
  CredentialRequest,
  CredentialResponse,
} from './http/hub-api-schemas.js';
