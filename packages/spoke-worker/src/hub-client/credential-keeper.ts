import { readFile } from 'node:fs/promises';
import { decodeJwtClaims } from '@msa/common';
import type { HubOperations } from './hub-client.js';
import type { WorkerLogger } from '../queue/processor.js';

/** Options of {@link CredentialKeeper}. */
export interface CredentialKeeperOptions {
  /** The first credential (read from the credential file at start). */
  initial: string;
  /** The credential file; re-read before each renewal so an operator's newer token wins. */
  file?: string;
  logger: WorkerLogger;
  /** Fraction of the credential's life after which it is renewed (default 0.8). */
  renewAt?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

const lifetime = (token: string, now: number): { start: number; end: number } | undefined => {
  const claims = decodeJwtClaims(token);
  if (claims?.exp === undefined) return undefined;
  const end = claims.exp * 1000;
  const start = claims.iat !== undefined ? claims.iat * 1000 : Math.min(now, end);
  return { start, end };
};

/**
 * Holds the worker's hub credential and renews it through the hub API at ~80% of its life,
 * without restarting anything: the hub client asks {@link CredentialKeeper.current} on every call.
 * A credential without `exp` is never renewed.
 */
export class CredentialKeeper {
  private token: string;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private readonly now: () => number;

  constructor(private readonly options: CredentialKeeperOptions) {
    this.token = options.initial.trim();
    this.now = options.now ?? Date.now;
  }

  /** The credential to send now. */
  current(): string {
    return this.token;
  }

  /** When the current credential should be renewed (ms epoch), or undefined if never. */
  renewalDue(): number | undefined {
    const life = lifetime(this.token, this.now());
    if (life === undefined) return undefined;
    return life.start + (this.options.renewAt ?? 0.8) * (life.end - life.start);
  }

  /** Starts the renewal loop against `hub`. */
  start(hub: Pick<HubOperations, 'renewCredential'>): void {
    this.schedule(hub);
  }

  /**
   * Renews once, now (used by the loop; exposed for tests). Not yet due: nothing happens unless
   * `force` (the hub refused the current credential, e.g. it expired while the worker was paused).
   */
  async renew(hub: Pick<HubOperations, 'renewCredential'>, force = false): Promise<void> {
    await this.adoptNewerFile();
    if (!force && (this.renewalDue() ?? Infinity) > this.now()) return;
    const renewed = await hub.renewCredential();
    this.token = renewed.token.trim();
    this.options.logger.info(
      { expirationTimestamp: renewed.expirationTimestamp },
      'renewed the hub credential',
    );
  }

  /** Stops the loop. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async adoptNewerFile(): Promise<void> {
    if (this.options.file === undefined) return;
    try {
      const fromFile = (await readFile(this.options.file, 'utf8')).trim();
      const mine = lifetime(this.token, this.now())?.end ?? 0;
      const theirs = lifetime(fromFile, this.now())?.end ?? 0;
      if (theirs > mine) this.token = fromFile;
    } catch {
      // The file is optional after start: the in-memory credential stays authoritative.
    }
  }

  private schedule(hub: Pick<HubOperations, 'renewCredential'>): void {
    if (this.stopped) return;
    const due = this.renewalDue();
    if (due === undefined) return;
    const life = lifetime(this.token, this.now());
    const retryMs =
      Math.min(30_000, Math.max(1_000, ((life?.end ?? 0) - this.now()) / 10)) *
      2 ** Math.min(this.failures, 4);
    const delay = this.failures > 0 ? retryMs : Math.max(0, due - this.now());
    // setTimeout overflows above ~24.8 days; wake up earlier and re-check.
    this.timer = setTimeout(
      () => {
        this.renew(hub)
          .then(() => {
            this.failures = 0;
          })
          .catch((err: unknown) => {
            this.failures += 1;
            this.options.logger.warn(
              { err: err instanceof Error ? err.message : String(err), failures: this.failures },
              'could not renew the hub credential; will retry',
            );
          })
          .finally(() => this.schedule(hub));
      },
      Math.min(delay, 2 ** 31 - 1),
    );
    this.timer.unref();
  }
}
