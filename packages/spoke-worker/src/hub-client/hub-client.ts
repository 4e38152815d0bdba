import { request } from 'node:https';

/** Body of `POST /v1/clusters/:cluster/tokens` (internal-contracts.md). Carries a token: hub only. */
export interface TokenReportBody {
  name: string;
  uid: string;
  token: string;
  caBundle: string;
  expirationTimestamp: string;
  requestedExpirationSeconds: number;
  rotateToken?: string;
}

/** Body of `POST /v1/clusters/:cluster/failures`. `message` must never contain a token. */
export interface FailureReportBody {
  name: string;
  uid: string;
  reason: string;
  message: string;
  retryable: boolean;
}

/** Body of `POST /v1/clusters/:cluster/heartbeat`. */
export interface HeartbeatBody {
  workerId: string;
  agentNamespace: string;
  version: string;
}

/** One live MSA of the cluster, as listed for sweeps. */
export interface LiveMsa {
  name: string;
  uid: string;
  deleting: boolean;
}

/** Answer of `GET /v1/clusters/:cluster/managedserviceaccounts`. */
export interface LiveMsaList {
  synced: boolean;
  items: LiveMsa[];
}

/** Answer of `GET .../managedserviceaccounts/:name/token`. */
export interface StoredToken {
  name: string;
  uid: string;
  token: string | null;
}

/** Answer of `POST .../credential`. */
export interface RenewedCredential {
  token: string;
  expirationTimestamp: string;
}

/**
 * A failed hub call. The message is built from the status and the hub's stable error `code` and
 * message; request bodies (which may hold tokens) are never part of it.
 */
export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Milliseconds the hub asked us to wait, when it sent Retry-After. */
    readonly retryAfterMs?: number,
    /** Node's error code of a transport failure (status 0), e.g. `ECONNREFUSED`, `CERT_HAS_EXPIRED`. */
    readonly transportCode?: string,
  ) {
    super(message);
  }

  /** 0 (transport), 408, 429 and 5xx can succeed later; 401 too, since the credential is renewed. */
  get retryable(): boolean {
    return (
      this.status === 0 ||
      this.status === 401 ||
      this.status === 408 ||
      this.status === 429 ||
      this.status >= 500
    );
  }
}

/** What the processor and the background loops need from the hub; faked in unit tests. */
export interface HubOperations {
  reportToken(body: TokenReportBody): Promise<{ secretName: string; lastRefreshTimestamp: string }>;
  reportFailure(body: FailureReportBody): Promise<void>;
  heartbeat(body: HeartbeatBody): Promise<{ serverTime: string; credentialExpiresAt?: string }>;
  listManagedServiceAccounts(): Promise<LiveMsaList>;
  getStoredToken(name: string): Promise<StoredToken>;
  renewCredential(expirationSeconds?: number): Promise<RenewedCredential>;
}

/** Options of {@link HubClient}. */
export interface HubClientOptions {
  /** Base URL, `https://host:port` (no trailing path). */
  hubUrl: string;
  /** PEM of the CA that signed the hub's serving certificate; default: the system CAs. */
  caPem?: string;
  /** This worker's cluster; every route is scoped to it. */
  cluster: string;
  /** Returns the current bearer credential (renewed in the background). */
  credential: () => string;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function expectString(v: unknown, field: string): string {
  if (typeof v !== 'string')
    throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', `hub answer lacks ${field}`);
  return v;
}

/**
 * Client for the hub HTTP API over HTTPS only, verifying the hub with the configured CA and
 * authenticating with the worker's bearer credential.
 */
export class HubClient implements HubOperations {
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.base = new URL(options.hubUrl);
    if (this.base.protocol !== 'https:') throw new Error('the hub URL must use https');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private path(suffix: string): string {
    return `/v1/clusters/${encodeURIComponent(this.options.cluster)}${suffix}`;
  }

  /** Sends one request; resolves with the parsed JSON answer of a 2xx, rejects with {@link HubRequestError}. */
  private send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          protocol: 'https:',
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || 443,
          method,
          path,
          ...(this.options.caPem === undefined ? {} : { ca: this.options.caPem }),
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${this.options.credential()}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () =>
            reject(new HubRequestError(0, 'MSA_ERR_TRANSPORT', `${method} ${path}: response aborted`)),
          );
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            if (status >= 200 && status < 300) {
              resolve(parsed);
              return;
            }
            const code =
              isRecord(parsed) && typeof parsed['code'] === 'string' ? parsed['code'] : 'MSA_ERR_HTTP';
            const msg = isRecord(parsed) && typeof parsed['message'] === 'string' ? parsed['message'] : '';
            const ra = Number(res.headers['retry-after']);
            reject(
              new HubRequestError(
                status,
                code,
                `${method} ${path}: HTTP ${status} ${code}${msg ? `: ${msg}` : ''}`,
                Number.isFinite(ra) && ra >= 0 ? ra * 1000 : undefined,
              ),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // Only the error code goes into the message: TLS errors can be long, never secret, but keep it short.
        reject(
          new HubRequestError(
            0,
            'MSA_ERR_TRANSPORT',
            `${method} ${path}: ${err.code ?? err.message}`,
            undefined,
            err.code ?? (err.message === 'timeout' ? 'ETIMEDOUT' : undefined),
          ),
        );
      });
      if (payload) req.write(payload);
      req.end();
    });
  }

  async reportToken(body: TokenReportBody): Promise<{ secretName: string; lastRefreshTimestamp: string }> {
    const res = await this.send('POST', this.path('/tokens'), body);
    if (!isRecord(res))
      throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', 'hub answer to a token report is not an object');
    return {
      secretName: expectString(res['secretName'], 'secretName'),
      lastRefreshTimestamp: expectString(res['lastRefreshTimestamp'], 'lastRefreshTimestamp'),
    };
  }

  async reportFailure(body: FailureReportBody): Promise<void> {
    await this.send('POST', this.path('/failures'), body);
  }

  async heartbeat(body: HeartbeatBody): Promise<{ serverTime: string; credentialExpiresAt?: string }> {
    const res = await this.send('POST', this.path('/heartbeat'), body);
    if (!isRecord(res))
      throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', 'hub answer to a heartbeat is not an object');
    const out: { serverTime: string; credentialExpiresAt?: string } = {
      serverTime: expectString(res['serverTime'], 'serverTime'),
    };
    if (typeof res['credentialExpiresAt'] === 'string') out.credentialExpiresAt = res['credentialExpiresAt'];
    return out;
  }

  async listManagedServiceAccounts(): Promise<LiveMsaList> {
    const res = await this.send('GET', this.path('/managedserviceaccounts'));
    if (!isRecord(res) || typeof res['synced'] !== 'boolean' || !Array.isArray(res['items'])) {
      throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', 'hub answer to the MSA list is malformed');
    }
    const items: LiveMsa[] = [];
    for (const it of res['items'] as unknown[]) {
      if (!isRecord(it) || typeof it['name'] !== 'string') {
        throw new HubRequestError(
          0,
          'MSA_ERR_BAD_RESPONSE',
          'hub answer to the MSA list has a malformed item',
        );
      }
      items.push({
        name: it['name'],
        uid: typeof it['uid'] === 'string' ? it['uid'] : '',
        deleting: it['deleting'] === true,
      });
    }
    return { synced: res['synced'], items };
  }

  async getStoredToken(name: string): Promise<StoredToken> {
    const res = await this.send(
      'GET',
      this.path(`/managedserviceaccounts/${encodeURIComponent(name)}/token`),
    );
    if (!isRecord(res))
      throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', 'hub answer to a token read is not an object');
    const token = res['token'];
    return {
      name: expectString(res['name'], 'name'),
      uid: typeof res['uid'] === 'string' ? res['uid'] : '',
      token: typeof token === 'string' ? token : null,
    };
  }

  async renewCredential(expirationSeconds?: number): Promise<RenewedCredential> {
    const res = await this.send(
      'POST',
      this.path('/credential'),
      expirationSeconds === undefined ? {} : { expirationSeconds },
    );
    if (!isRecord(res))
      throw new HubRequestError(0, 'MSA_ERR_BAD_RESPONSE', 'hub answer to a renewal is not an object');
    return {
      token: expectString(res['token'], 'token'),
      expirationTimestamp: expectString(res['expirationTimestamp'], 'expirationTimestamp'),
    };
  }
}
