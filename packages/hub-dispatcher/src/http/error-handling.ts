import { ErrorCode, ERROR_CATALOG, isMsaError, redactJwts, type ErrorBody } from '@msa/common';
import type { FastifyError, FastifyInstance } from 'fastify';

/** Builds the JSON error body for a catalog code. */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { code, message, statusCode: ERROR_CATALOG[code].statusCode };
}

/**
 * Pure: maps anything a handler threw to `{code, message, statusCode}`. Schema and body-parser
 * failures are 400 `MSA_ERR_INVALID_REQUEST_BODY`, an oversized body 413
 * `MSA_ERR_REQUEST_BODY_TOO_LARGE`; catalog errors keep their code; anything else
 * is a 500 whose message reveals nothing. Messages go through `redactJwts`.
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (isMsaError(err)) {
    return { code: err.code, message: redactJwts(err.message), statusCode: err.statusCode };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown };
  if (fe.validation !== undefined) {
    return errorBody(ErrorCode.InvalidRequestBody, redactJwts(fe.message ?? 'invalid request'));
  }
  if (fe.statusCode === 413) {
    return errorBody(ErrorCode.RequestBodyTooLarge, redactJwts(fe.message ?? 'request body is too large'));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's other 4xx (malformed JSON, wrong content type) are bad bodies: the catalog's
    // 400, so the status always matches what docs/errors.md says of the code.
    return errorBody(ErrorCode.InvalidRequestBody, redactJwts(fe.message ?? 'bad request'));
  }
  return errorBody(ErrorCode.Internal, 'internal error');
}

/** Installs the error and not-found handlers: every failure answers JSON, nothing crashes. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const body = toErrorBody(err);
    if (body.statusCode >= 500) {
      request.log.error(
        { code: body.code, err: redactJwts(err instanceof Error ? err.message : String(err)) },
        'request failed',
      );
    }
    void reply.code(body.statusCode).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .type('application/json')
      .send(
        errorBody(ErrorCode.RouteNotFound, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
      );
  });
}
