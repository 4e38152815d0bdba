import { Type, type Static } from 'typebox';
import { DEFAULT_AGENT_NAMESPACE, DEFAULT_WORKER_SA_NAME } from '../api/constants.js';
import { LOG_LEVELS } from '../logging/create-logger.js';

const LogLevel = Type.Union(
  LOG_LEVELS.map((l) => Type.Literal(l)),
  { default: 'info', description: `set it to one of ${LOG_LEVELS.join(', ')} (default info)` },
);
const RedisUrl = Type.String({
  pattern: '^rediss?://.+',
  description: 'set it to a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
});
const Kubeconfig = Type.Optional(
  Type.String({
    minLength: 1,
    description: 'set it to the path of a kubeconfig file, or leave it unset for in-cluster/default loading',
  }),
);
const FilePath = (what: string): ReturnType<typeof Type.String> =>
  Type.String({ minLength: 1, description: `set it to the path of ${what}` });
const Seconds = (def: number, what: string): ReturnType<typeof Type.Integer> =>
  Type.Integer({
    minimum: 1,
    default: def,
    description: `set it to ${what} in whole seconds >= 1 (default ${def})`,
  });

/** Configuration of the hub dispatcher. Fields marked `secret: true` are redacted in logs. */
export const HubConfigSchema = Type.Object(
  {
    kubeconfig: Kubeconfig,
    redisUrl: RedisUrl,
    listenHost: Type.String({
      minLength: 1,
      default: '0.0.0.0',
      description: 'set it to an IP or host name to listen on (default 0.0.0.0)',
    }),
    listenPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8443,
      description: 'set it to a TCP port 0-65535 (default 8443; 0 picks a free port)',
    }),
    tlsCertFile: FilePath('the PEM certificate of the hub API'),
    tlsKeyFile: FilePath('the PEM private key of the hub API'),
    workerServiceAccountName: Type.String({
      minLength: 1,
      maxLength: 253,
      default: DEFAULT_WORKER_SA_NAME,
      description: `set it to the hub ServiceAccount name workers authenticate as (default ${DEFAULT_WORKER_SA_NAME})`,
    }),
    resyncPeriodSeconds: Seconds(300, 'the full resync period'),
    revalidationIntervalSeconds: Seconds(36000, 'how often every stored token is re-verified'),
    heartbeatTimeoutSeconds: Seconds(90, 'how long without a heartbeat before a worker counts as missing'),
    ttlDeletionEnabled: Type.Boolean({
      default: true,
      description: 'set it to true or false: delete MSAs after spec.ttlSecondsAfterCreation (default true)',
    }),
    opsUsername: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'set it to the user name of the /ops dashboard (basic auth)',
      }),
    ),
    opsPassword: Type.Optional(
      Type.String({
        minLength: 1,
        secret: true,
        description: 'set it to the password of the /ops dashboard (basic auth)',
      }),
    ),
    logLevel: LogLevel,
  },
  { additionalProperties: false },
);
/** Validated hub configuration. */
export type HubConfig = Static<typeof HubConfigSchema>;

/** Configuration of the spoke worker. Fields marked `secret: true` are redacted in logs. */
export const WorkerConfigSchema = Type.Object(
  {
    clusterName: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      description:
        'set it to the managed cluster name: a DNS label (lower case letters, digits, -; at most 63)',
    }),
    kubeconfig: Kubeconfig,
    agentNamespace: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      default: DEFAULT_AGENT_NAMESPACE,
      description: `set it to the spoke namespace for managed ServiceAccounts, a DNS label (default ${DEFAULT_AGENT_NAMESPACE})`,
    }),
    redisUrl: RedisUrl,
    hubUrl: Type.String({
      pattern: '^https://[^\\s/]+',
      description: 'set it to the https:// URL of the hub API, e.g. https://hub.example:8443',
    }),
    hubCaFile: Type.Optional(FilePath('the PEM CA bundle that signed the hub API certificate')),
    credentialFile: Type.String({
      minLength: 1,
      description: 'set it to the path of the file holding the hub bearer token',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 256,
      default: 4,
      description: 'set it to the number of jobs run in parallel, 1-256 (default 4)',
    }),
    heartbeatIntervalSeconds: Seconds(15, 'the heartbeat interval'),
    // Optional without a schema default: the worker applies its own (120 s and
    // managed-serviceaccount-worker), so configs built before these fields stay equal.
    hubStartupTimeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'set it to how long start-up waits for an unreachable hub, in whole seconds >= 1 (default 120)',
      }),
    ),
    protectedServiceAccounts: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9.,-]*$',
        description:
          'set it to comma-separated ServiceAccount names in the agent namespace the worker never mints for, creates or deletes (default managed-serviceaccount-worker)',
      }),
    ),
    logLevel: LogLevel,
  },
  { additionalProperties: false },
);
/** Validated worker configuration. */
export type WorkerConfig = Static<typeof WorkerConfigSchema>;
