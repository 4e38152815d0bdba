import { MsaError, isMsaError, kubeFailureToMsaError, ErrorCode, redactJwts } from '@msa/common';
import { KubeApiError } from './kube-api-error.js';

/**
 * Maps any failure at the `k8s/` boundary to common's error catalog (STYLE.md rule 4), keeping
 * the original as `cause`. Messages are passed through `redactJwts` as a last line of defence.
 */
export function toMsaError(err: unknown, context: string): MsaError {
  if (isMsaError(err)) return err;
  if (err instanceof KubeApiError) {
    return kubeFailureToMsaError(
      err.statusCode === 0 ? undefined : err.statusCode,
      {
        reason: err.reason,
        message: redactJwts(err.message),
        ...(err.retryAfterSeconds === undefined
          ? {}
          : { details: { retryAfterSeconds: err.retryAfterSeconds } }),
      },
      context,
      err,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new MsaError(ErrorCode.Internal, `${context}: ${redactJwts(message)}`, { cause: err });
}
