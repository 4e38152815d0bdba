import { pino, type DestinationStream, type Logger } from 'pino';
import { REDACTED, redactJwts } from './redact-jwts.js';

/** Log levels accepted by {@link createLogger} and the config schemas. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Log level union. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Field paths always censored. Covers top-level fields and one or two levels down (e.g.
 * `{ report: { token } }`, `{ req: { headers: { authorization } } }`).
 */
export const REDACT_PATHS: readonly string[] = Object.freeze(
  ['token', 'credential', 'authorization', 'password', 'opsPassword', 'cookie', 'bearerToken'].flatMap(
    (key) => [key, `*.${key}`, `*.*.${key}`],
  ),
);

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Component name, e.g. `hub-dispatcher`. */
  name: string;
  /** Minimum level; default `info`. */
  level?: LogLevel;
  /** Where to write; default stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
  /** More paths to censor (e.g. secret config fields). */
  redactPaths?: readonly string[];
}

/**
 * Creates the project's pino logger. Two layers keep tokens out of logs: known field names
 * (token, credential, authorization, passwords) are censored by path, and every finished log
 * line is scanned for JWT-looking strings, which become `[REDACTED]` wherever they hide
 * (message, nested fields, error messages, child bindings).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
      hooks: {
        // The last hook before the bytes leave: JWT base64url characters never need JSON
        // escaping, so a plain replace on the serialized line is exact.
        streamWrite: redactJwts,
      },
    },
    options.destination,
  );
}
