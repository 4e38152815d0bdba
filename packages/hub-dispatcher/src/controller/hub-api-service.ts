import {
  ConditionReason,
  decodeJwtClaims,
  ErrorCode,
  MsaError,
  redactJwts,
  toKubeTime,
  tokenReportFailedCondition,
  type CredentialResponse,
  type FailureReport,
  type Heartbeat,
  type HeartbeatResponse,
  type ManagedServiceAccount,
  type MsaListResponse,
  type TokenReadResponse,
  type TokenReport,
  type TokenReportResponse,
} from '@msa/common';
import type { Logger } from 'pino';
import { toMsaError } from '../k8s/kube-errors.js';
import { kubePaths } from '../k8s/kube-paths.js';
import type { KubeRest } from '../k8s/kube-rest.js';
import { recordMsaEvent } from '../k8s/msa-events.js';
import {
  readMsa,
  statusAfterTokenReport,
  statusWithCondition,
  updateMsaStatus,
} from '../k8s/msa-status-writer.js';
import { describe } from '../k8s/resource-informer.js';
import { readStoredToken, writeTokenSecret, type SecretObject } from '../k8s/token-secret-writer.js';
import type { MsaLister, WorkerHealth } from './worker-health.js';

/** Event reason when the spoke granted a shorter lifetime than requested. */
export const EVENT_TOKEN_LIFETIME_SHORTENED = 'TokenLifetimeShortened';
/** Longest failure message stored in a condition. */
export const MAX_FAILURE_MESSAGE = 1024;
/** Default / minimum / maximum lifetime of a renewed worker credential (seconds). */
export const CREDENTIAL_DEFAULT_SECONDS = 3600;
export const CREDENTIAL_MIN_SECONDS = 600;
export const CREDENTIAL_MAX_SECONDS = 86_400;

/** Options of {@link HubApiService}. */
export interface HubApiServiceOptions {
  rest: KubeRest;
  msas: MsaLister;
  health: WorkerHealth;
  workerServiceAccountName: string;
  clock: () => Date;
  logger: Logger;
  onStatusWrite?: (reason: string) => void;
}

/**
 * Pure: the lifetime the spoke granted, in whole seconds. A TokenRequest token carries it exactly
 * as `exp − iat` (the API server sets `exp = iat + expirationSeconds`), which does not depend on
 * how long the report took to arrive; `expiry − now` (rounded) is only the fallback for a token
 * without those claims. Measuring from `now` made every report slower than half a second look
 * like a shortened token (a false TokenLifetimeShortened event).
 */
export function grantedSeconds(token: string, expiry: Date, now: Date): number {
  const claims = decodeJwtClaims(token);
  if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) {
    return claims.exp - claims.iat;
  }
  return Math.max(0, Math.round((expiry.getTime() - now.getTime()) / 1000));
}

/** Pure: the message stored for a failure report (JWT-like strings removed, length capped). */
export function sanitizeFailureMessage(message: string): string {
  const clean = redactJwts(message);
  return clean.length > MAX_FAILURE_MESSAGE ? `${clean.slice(0, MAX_FAILURE_MESSAGE - 3)}...` : clean;
}

/**
 * The hub side of every worker request (routes stay thin). Each method writes only after the
 * MSA was found with the expected uid; failures are catalog errors (`MsaError`).
 */
export class HubApiService {
  private readonly opts: HubApiServiceOptions;

  constructor(opts: HubApiServiceOptions) {
    this.opts = opts;
  }

  private async findMsa(
    cluster: string,
    name: string,
    uid: string | undefined,
  ): Promise<ManagedServiceAccount> {
    let msa: ManagedServiceAccount;
    try {
      msa = await readMsa(this.opts.rest, cluster, name);
    } catch (err) {
      throw toMsaError(err, `reading ManagedServiceAccount ${cluster}/${name}`);
    }
    if (uid !== undefined && msa.metadata.uid !== uid) {
      throw new MsaError(
        ErrorCode.MsaUidMismatch,
        `ManagedServiceAccount ${cluster}/${name} has uid ${msa.metadata.uid ?? '(none)'}; the report is for ${uid}`,
      );
    }
    return msa;
  }

  /**
   * Stores a new token: the Secret (one write), then the status (one write), plus an Event when
   * the spoke shortened the lifetime. Nothing is written when the MSA is gone or was recreated.
   */
  async reportToken(cluster: string, report: TokenReport): Promise<TokenReportResponse> {
    const now = this.opts.clock();
    const msa = await this.findMsa(cluster, report.name, report.uid);
    const expiry = new Date(report.expirationTimestamp);
    const granted = grantedSeconds(report.token, expiry, now);
    try {
      await writeTokenSecret(this.opts.rest, {
        namespace: cluster,
        name: report.name,
        msaUid: report.uid,
        token: report.token,
        caBundle: report.caBundle,
        requestedExpirationSeconds: report.requestedExpirationSeconds,
        grantedExpirationSeconds: granted,
        rotateToken: report.rotateToken,
        refreshedAt: toKubeTime(now),
      });
      const result = await updateMsaStatus(
        this.opts.rest,
        { namespace: cluster, name: report.name, uid: report.uid },
        (m) => statusAfterTokenReport(m, { expirationTimestamp: expiry, secretName: report.name }, now),
        { current: msa },
      );
      if (result.written) this.opts.onStatusWrite?.(ConditionReason.TokenReported);
    } catch (err) {
      throw toMsaError(err, `storing the token of ${cluster}/${report.name}`);
    }
    if (granted < report.requestedExpirationSeconds) {
      await recordMsaEvent(
        this.opts.rest,
        { namespace: cluster, name: report.name, uid: report.uid },
        {
          type: 'Normal',
          reason: EVENT_TOKEN_LIFETIME_SHORTENED,
          message: `cluster ${cluster} granted a token lifetime of ${granted}s instead of the requested ${report.requestedExpirationSeconds}s; it will be rotated at 80% of the granted lifetime`,
          now,
        },
      ).catch((err: unknown) => this.opts.logger.warn({ err: describe(err) }, 'cannot record event'));
    }
    return { secretName: report.name, lastRefreshTimestamp: toKubeTime(now) };
  }

  /** Records a failure as `TokenReported=False` (written only when it changes the status). */
  async reportFailure(cluster: string, report: FailureReport): Promise<{ written: boolean }> {
    const now = this.opts.clock();
    const msa = await this.findMsa(cluster, report.name, report.uid);
    const reason =
      report.reason === ConditionReason.InvalidSpec
        ? ConditionReason.InvalidSpec
        : ConditionReason.TokenReportFailed;
    const condition = tokenReportFailedCondition(
      sanitizeFailureMessage(report.message),
      reason,
      msa.metadata.generation,
    );
    try {
      const result = await updateMsaStatus(
        this.opts.rest,
        { namespace: cluster, name: report.name, uid: report.uid },
        (m) => statusWithCondition(m, { ...condition, observedGeneration: m.metadata.generation }, now),
        { current: msa },
      );
      if (result.written) this.opts.onStatusWrite?.(reason);
      return { written: result.written };
    } catch (err) {
      throw toMsaError(err, `recording the failure of ${cluster}/${report.name}`);
    }
  }

  /** Stores a heartbeat; answers the server time and when the presented credential expires. */
  async heartbeat(
    cluster: string,
    body: Heartbeat,
    credentialExpiresAt: Date | undefined,
  ): Promise<HeartbeatResponse> {
    const now = this.opts.clock();
    try {
      await this.opts.health.heartbeat({
        cluster,
        workerId: body.workerId,
        agentNamespace: body.agentNamespace,
        version: body.version,
        lastSeen: now,
      });
    } catch (err) {
      throw toMsaError(err, `storing the heartbeat of cluster ${cluster}`);
    }
    return {
      serverTime: now.toISOString(),
      ...(credentialExpiresAt === undefined
        ? {}
        : { credentialExpiresAt: credentialExpiresAt.toISOString() }),
    };
  }

  /** Live MSAs of a cluster for orphan sweeps; `synced: false` until the informer has listed. */
  listMsas(cluster: string): MsaListResponse {
    if (!this.opts.msas.hasSynced) return { synced: false, items: [] };
    return {
      synced: true,
      items: this.opts.msas
        .list(cluster)
        .filter((m) => m.metadata.name !== undefined && m.metadata.uid !== undefined)
        .map((m) => ({
          name: m.metadata.name ?? '',
          uid: m.metadata.uid ?? '',
          deleting: m.metadata.deletionTimestamp !== undefined,
        })),
    };
  }

  /** The token currently stored for an MSA (null when none, or when the Secret belongs to another uid). */
  async readToken(cluster: string, name: string): Promise<TokenReadResponse> {
    const msa = await this.findMsa(cluster, name, undefined);
    let secret: SecretObject | undefined;
    try {
      secret = await this.opts.rest.getOptional<SecretObject>(kubePaths.secret(cluster, name));
    } catch (err) {
      throw toMsaError(err, `reading the Secret ${cluster}/${name}`);
    }
    const uid = msa.metadata.uid ?? '';
    const owned = secret?.metadata.ownerReferences?.some((r) => r.uid === uid) === true;
    return { name, uid, token: owned ? (readStoredToken(secret) ?? null) : null };
  }

  /** TokenRequest for the cluster's worker ServiceAccount on the hub (default 1 h, 10 min..24 h). */
  async renewCredential(cluster: string, expirationSeconds: number | undefined): Promise<CredentialResponse> {
    const seconds = Math.min(
      CREDENTIAL_MAX_SECONDS,
      Math.max(CREDENTIAL_MIN_SECONDS, expirationSeconds ?? CREDENTIAL_DEFAULT_SECONDS),
    );
    try {
      const answer = await this.opts.rest.create<{
        status?: { token?: string; expirationTimestamp?: string };
      }>(kubePaths.serviceAccountToken(cluster, this.opts.workerServiceAccountName), {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: seconds },
      });
      const token = answer.status?.token;
      const exp = answer.status?.expirationTimestamp;
      if (token === undefined || exp === undefined) {
        throw new MsaError(ErrorCode.Internal, 'the hub API server answered a TokenRequest without a token');
      }
      return { token, expirationTimestamp: new Date(exp).toISOString() };
    } catch (err) {
      throw toMsaError(err, `renewing the credential of cluster ${cluster}`);
    }
  }
}
