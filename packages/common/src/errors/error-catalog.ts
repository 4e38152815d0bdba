/** Stable error codes. Never rename one; add new ones and list them in docs/errors.md. */
export const ErrorCode = {
  InvalidRequestBody: 'MSA_ERR_INVALID_REQUEST_BODY',
  RequestBodyTooLarge: 'MSA_ERR_REQUEST_BODY_TOO_LARGE',
  Unauthenticated: 'MSA_ERR_UNAUTHENTICATED',
  Forbidden: 'MSA_ERR_FORBIDDEN',
  RouteNotFound: 'MSA_ERR_ROUTE_NOT_FOUND',
  MsaNotFound: 'MSA_ERR_MSA_NOT_FOUND',
  MsaUidMismatch: 'MSA_ERR_MSA_UID_MISMATCH',
  ClusterNotFound: 'MSA_ERR_CLUSTER_NOT_FOUND',
  InvalidSpec: 'MSA_ERR_INVALID_SPEC',
  KubeUnauthorized: 'MSA_ERR_KUBE_UNAUTHORIZED',
  KubeForbidden: 'MSA_ERR_KUBE_FORBIDDEN',
  KubeNotFound: 'MSA_ERR_KUBE_NOT_FOUND',
  KubeConflict: 'MSA_ERR_KUBE_CONFLICT',
  KubeInvalid: 'MSA_ERR_KUBE_INVALID',
  KubeUnavailable: 'MSA_ERR_KUBE_UNAVAILABLE',
  KubeThrottled: 'MSA_ERR_KUBE_THROTTLED',
  TokenRequestApiMissing: 'MSA_ERR_TOKEN_REQUEST_API_MISSING',
  TokenRequestRefused: 'MSA_ERR_TOKEN_REQUEST_REFUSED',
  RedisUnavailable: 'MSA_ERR_REDIS_UNAVAILABLE',
  RateLimited: 'MSA_ERR_RATE_LIMITED',
  ConfigInvalid: 'MSA_ERR_CONFIG_INVALID',
  Internal: 'MSA_ERR_INTERNAL',
} as const;
/** Error code union. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What the catalog knows about one code. */
export interface ErrorCatalogEntry {
  /** HTTP status the hub API answers with. */
  statusCode: number;
  /** Whether retrying the same operation later can succeed. */
  retryable: boolean;
  /** One line for docs and operators. */
  description: string;
}

/** Every error code with its HTTP status and retryable flag; docs/errors.md mirrors this table. */
export const ERROR_CATALOG: Readonly<Record<ErrorCode, Readonly<ErrorCatalogEntry>>> = Object.freeze({
  MSA_ERR_INVALID_REQUEST_BODY: {
    statusCode: 400,
    retryable: false,
    description: 'The request body or parameters do not match the schema.',
  },
  MSA_ERR_REQUEST_BODY_TOO_LARGE: {
    statusCode: 413,
    retryable: false,
    description: 'The request body is larger than the hub accepts (1 MiB).',
  },
  MSA_ERR_UNAUTHENTICATED: {
    statusCode: 401,
    retryable: false,
    description: 'No bearer token, or the token does not authenticate on the hub.',
  },
  MSA_ERR_FORBIDDEN: {
    statusCode: 403,
    retryable: false,
    description: "The caller is not the worker ServiceAccount of this cluster's namespace.",
  },
  MSA_ERR_ROUTE_NOT_FOUND: { statusCode: 404, retryable: false, description: 'No such route.' },
  MSA_ERR_MSA_NOT_FOUND: {
    statusCode: 404,
    retryable: false,
    description: 'The ManagedServiceAccount does not exist (deleted meanwhile).',
  },
  MSA_ERR_MSA_UID_MISMATCH: {
    statusCode: 409,
    retryable: false,
    description: 'The ManagedServiceAccount was deleted and recreated; the report is for the old one.',
  },
  MSA_ERR_CLUSTER_NOT_FOUND: {
    statusCode: 404,
    retryable: false,
    description: 'No ManagedCluster exists with the name of the namespace.',
  },
  MSA_ERR_INVALID_SPEC: {
    statusCode: 422,
    retryable: false,
    description: 'The ManagedServiceAccount spec cannot be acted on (e.g. validity is not a Go duration).',
  },
  MSA_ERR_KUBE_UNAUTHORIZED: {
    statusCode: 502,
    retryable: true,
    description:
      'A Kubernetes API call was rejected as unauthenticated (401); the credential may be renewed.',
  },
  MSA_ERR_KUBE_FORBIDDEN: {
    statusCode: 502,
    retryable: false,
    description: 'A Kubernetes API call was forbidden by RBAC (403).',
  },
  MSA_ERR_KUBE_NOT_FOUND: {
    statusCode: 404,
    retryable: false,
    description: 'A Kubernetes object or API was not found (404).',
  },
  MSA_ERR_KUBE_CONFLICT: {
    statusCode: 409,
    retryable: true,
    description:
      'A Kubernetes write conflicted (409) or a resource version expired (410); re-read and retry.',
  },
  MSA_ERR_KUBE_INVALID: {
    statusCode: 422,
    retryable: false,
    description: 'A Kubernetes API call was rejected as invalid (400/422).',
  },
  MSA_ERR_KUBE_UNAVAILABLE: {
    statusCode: 503,
    retryable: true,
    description: 'The Kubernetes API server could not be reached or answered 5xx.',
  },
  MSA_ERR_KUBE_THROTTLED: {
    statusCode: 503,
    retryable: true,
    description: 'The Kubernetes API server throttled the call (429); retry after its hint.',
  },
  MSA_ERR_TOKEN_REQUEST_API_MISSING: {
    statusCode: 502,
    retryable: false,
    description: 'The managed cluster does not serve the ServiceAccount token subresource.',
  },
  MSA_ERR_TOKEN_REQUEST_REFUSED: {
    statusCode: 422,
    retryable: false,
    description: 'The managed cluster refused the TokenRequest (e.g. lifetime under its minimum).',
  },
  MSA_ERR_REDIS_UNAVAILABLE: {
    statusCode: 503,
    retryable: true,
    description: 'Redis could not be reached.',
  },
  MSA_ERR_RATE_LIMITED: {
    statusCode: 429,
    retryable: true,
    description: 'The operation was asked for too recently; retry after the Retry-After seconds.',
  },
  MSA_ERR_CONFIG_INVALID: {
    statusCode: 500,
    retryable: false,
    description: 'The process configuration is invalid; the message lists every problem.',
  },
  MSA_ERR_INTERNAL: { statusCode: 500, retryable: true, description: 'An unexpected error.' },
});

/** All error codes. */
export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.values(ErrorCode));

/** True when `value` is one of the catalog's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
