import { HubRequestError, type HeartbeatBody, type HubOperations } from './hub-client.js';
import type { WorkerLogger } from '../queue/processor.js';

/** Node's codes for a hub certificate that could not be verified (wrong or missing CA, name, dates). */
const TLS_VERIFICATION_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True when `err` is a hub call that failed because the hub's certificate was not trusted. */
export function isTlsVerificationError(err: unknown): boolean {
  return (
    err instanceof HubRequestError &&
    err.status === 0 &&
    err.transportCode !== undefined &&
    TLS_VERIFICATION_CODES.has(err.transportCode)
  );
}

/** True when the hub refused the worker's credential (401 unauthenticated, 403 not this cluster's). */
export function isCredentialRefused(err: unknown): boolean {
  return err instanceof HubRequestError && (err.status === 401 || err.status === 403);
}

/** What the operator reads when the hub refuses the worker credential, at start or later. */
export function credentialRefusedMessage(cluster: string, credentialFile: string, detail: string): string {
  return (
    `the hub refused the worker credential (${detail}); re-run \`msa-hub register-cluster ${cluster}\` ` +
    `and update the credential file ${credentialFile} (the credential Secret in a pod)`
  );
}

/** What the operator reads when the hub's certificate cannot be verified. */
export function tlsVerificationMessage(hubUrl: string, detail: string): string {
  return (
    `cannot verify the hub's TLS certificate at ${hubUrl} (${detail}); --hub-ca-file (MSA_HUB_CA_FILE) ` +
    `must hold the CA that signed the hub's serving certificate, and that certificate must name the host of --hub-url`
  );
}

/** Options of {@link checkHub}. */
export interface CheckHubOptions {
  hub: Pick<HubOperations, 'heartbeat'>;
  heartbeat: HeartbeatBody;
  cluster: string;
  hubUrl: string;
  credentialFile: string;
  /** How long an unreachable hub (refused, timeout, 5xx, 429) is waited for. */
  timeoutMs: number;
  logger: WorkerLogger;
  /** Injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops waiting early (the worker is being closed); the check then throws. */
  aborted?: () => boolean;
}

/** A hub problem that must stop the worker at start; the message says how to fix it. */
export class HubCheckError extends Error {
  override readonly name = 'HubCheckError';
}

/**
 * Sends the first heartbeat before the worker consumes anything, so a bad hub URL, CA or
 * credential stops the process (and the pod restarts visibly) instead of retrying forever.
 * A refused credential and an untrusted certificate fail at once; an unreachable hub is waited
 * for up to `timeoutMs`, since local stacks start workers before the hub listens.
 * @throws {@link HubCheckError}
 */
export async function checkHub(options: CheckHubOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        setTimeout(resolve, ms);
      }));
  const started = now();
  let attempt = 0;
  for (;;) {
    attempt += 1;
    try {
      await options.hub.heartbeat(options.heartbeat);
      if (attempt > 1) options.logger.info({ attempts: attempt }, 'the hub answers');
      return;
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      if (isCredentialRefused(err))
        throw new HubCheckError(credentialRefusedMessage(options.cluster, options.credentialFile, detail));
      if (isTlsVerificationError(err))
        throw new HubCheckError(tlsVerificationMessage(options.hubUrl, detail));
      if (err instanceof HubRequestError && !err.retryable)
        throw new HubCheckError(`the hub at ${options.hubUrl} rejected the first heartbeat: ${detail}`);
      const elapsed = now() - started;
      const remaining = options.timeoutMs - elapsed;
      if (remaining <= 0 || options.aborted?.() === true) {
        throw new HubCheckError(
          `the hub at ${options.hubUrl} is unreachable: no answer for ${Math.round(elapsed / 1000)} s ` +
            `(last error: ${detail}); check --hub-url (MSA_HUB_URL) and the network path to the hub, ` +
            `or raise --hub-startup-timeout-seconds`,
        );
      }
      const delay = Math.min(remaining, 1000 * 2 ** Math.min(attempt - 1, 3));
      options.logger.warn(
        {
          hubUrl: options.hubUrl,
          err: detail,
          attempt,
          retryInMs: delay,
          giveUpInSeconds: Math.ceil(remaining / 1000),
        },
        'the hub does not answer yet; retrying before consuming jobs',
      );
      await sleep(delay);
    }
  }
}
