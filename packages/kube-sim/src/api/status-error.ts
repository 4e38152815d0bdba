import type { JsonObject } from './types.js';

/** A field-level cause in a Status body (metav1.StatusCause). */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** The reasons kube-apiserver puts in Status bodies (metav1.StatusReason), the ones we use. */
export const StatusReason = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Invalid: 'Invalid',
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Gone: 'Gone',
  Expired: 'Expired',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
} as const;
/** One of {@link StatusReason}. */
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

/** Identifies the object an error is about (metav1.StatusDetails minus causes). */
export interface ErrorTarget {
  group: string;
  resource: string;
  name?: string;
}

/**
 * An API error that the server renders as a Kubernetes `Status` body. Constructors below follow
 * staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go word for word, because clients grep
 * these messages.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: JsonObject,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The `Status` object for this error. */
  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** `<resource>.<group>` or just `<resource>` for the core group (schema.GroupResource.String()). */
export function qualifiedResource(target: ErrorTarget): string {
  return target.group ? `${target.resource}.${target.group}` : target.resource;
}

function details(target: ErrorTarget, extra: JsonObject = {}): JsonObject {
  const d: JsonObject = {};
  if (target.name !== undefined) d.name = target.name;
  d.group = target.group;
  d.kind = target.resource;
  return { ...d, ...extra };
}

/** errors.NewNotFound. */
export function notFound(target: ErrorTarget): ApiError {
  return new ApiError(
    404,
    StatusReason.NotFound,
    `${qualifiedResource(target)} "${target.name ?? ''}" not found`,
    details(target),
  );
}

/** errors.NewAlreadyExists. */
export function alreadyExists(target: ErrorTarget): ApiError {
  return new ApiError(
    409,
    StatusReason.AlreadyExists,
    `${qualifiedResource(target)} "${target.name ?? ''}" already exists`,
    details(target),
  );
}

/** errors.NewConflict with the optimistic-concurrency message of the registry store. */
export function conflict(target: ErrorTarget, why: string): ApiError {
  return new ApiError(
    409,
    StatusReason.Conflict,
    `Operation cannot be fulfilled on ${qualifiedResource(target)} "${target.name ?? ''}": ${why}`,
    details(target),
  );
}

/** The storage-layer message for a stale resourceVersion (registry/generic/registry/store.go). */
export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/** errors.NewInvalid: 422 with field causes; `kind` is the Kind, as upstream does. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const messages = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary =
    messages.length === 0 ? '' : messages.length === 1 ? `: ${messages[0]}` : `: [${messages.join(', ')}]`;
  return new ApiError(422, StatusReason.Invalid, `${qualifiedKind} "${name}" is invalid${summary}`, {
    name,
    group,
    kind,
    causes: causes.map((c) => ({ ...c })),
  });
}

/** errors.NewBadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, StatusReason.BadRequest, message);
}

/** errors.NewMethodNotSupported. */
export function methodNotSupported(target: ErrorTarget, verb: string): ApiError {
  return new ApiError(
    405,
    StatusReason.MethodNotAllowed,
    `${verb} is not supported on resources of kind "${qualifiedResource(target)}"`,
    details(target),
  );
}

/** errors.NewGone / NewResourceExpired. */
export function expired(message: string): ApiError {
  return new ApiError(410, StatusReason.Expired, message);
}

/** errors.NewForbidden. */
export function forbidden(target: ErrorTarget, why: string): ApiError {
  return new ApiError(
    403,
    StatusReason.Forbidden,
    `${qualifiedResource(target)} "${target.name ?? ''}" is forbidden: ${why}`,
    details(target),
  );
}

/** errors.NewUnauthorized as the authentication filter sends it. */
export function unauthorized(): ApiError {
  return new ApiError(401, StatusReason.Unauthorized, 'Unauthorized');
}

/** errors.NewInternalError. */
export function internalError(message: string): ApiError {
  return new ApiError(500, StatusReason.InternalError, `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** A generic 404 for an unknown path (the server's NotFound handler). */
export function pathNotFound(): ApiError {
  return new ApiError(404, StatusReason.NotFound, 'the server could not find the requested resource', {});
}
