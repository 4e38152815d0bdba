import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type CreateLoggerOptions } from './create-logger.js';
import { JWT_PATTERN, redactJwts } from './redact-jwts.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 'system:serviceaccount:ns:m1', exp: 1 })}.${'s1gn_atur-e'.repeat(8)}`;

/** Captures each log line written by a logger. */
function capture(options: Partial<CreateLoggerOptions> = {}): {
  lines: string[];
  logger: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done): void {
      lines.push(chunk.toString());
      done();
    },
  });
  // pino writes synchronously to a plain stream's write(), so no waiting is needed.
  return { lines, logger: createLogger({ name: 'test', level: 'trace', destination, ...options }) };
}

describe('createLogger never lets a token through', () => {
  it.each<[string, (log: ReturnType<typeof createLogger>) => void]>([
    ['in the message', (log) => log.info(`minted ${TOKEN}`)],
    ['as a printf argument', (log) => log.info('minted %s for m1', TOKEN)],
    ['in a field named token', (log) => log.info({ token: TOKEN }, 'report')],
    ['in a nested token field', (log) => log.info({ report: { token: TOKEN } }, 'report')],
    [
      'in an authorization header',
      (log) => log.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'req'),
    ],
    ['in an unrelated string field', (log) => log.warn({ detail: `body was {"token":"${TOKEN}"}` }, 'odd')],
    ['deep inside arrays', (log) => log.debug({ items: [{ x: [TOKEN] }] }, 'deep')],
    ['in an error message', (log) => log.error({ err: new Error(`bad token ${TOKEN}`) }, 'failed')],
    ['in child bindings', (log) => log.child({ credential: TOKEN, other: TOKEN }).info('child')],
    ['in a credential field', (log) => log.info({ credential: TOKEN }, 'cred')],
  ])('%s', (_name, write) => {
    const { lines, logger } = capture();
    write(logger);
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(TOKEN.split('.')[1]);
    expect(line).toContain('[REDACTED]');
    expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('keeps ordinary content, the name and the level', () => {
    const { lines, logger } = capture();
    logger.info({ cluster: 'c1', name: 'm1' }, 'reconciled eyJ-not-a-token');
    const parsed = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 30, cluster: 'c1', msg: 'reconciled eyJ-not-a-token' });
  });

  it('redacts extra configured paths (e.g. secret config fields)', () => {
    const { lines, logger } = capture({ redactPaths: ['config.opsUser'] });
    logger.info({ config: { opsUser: 'admin', opsPassword: 'hunter2', redisUrl: 'redis://x' } }, 'config');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('admin');
    expect(lines[0]).toContain('redis://x');
  });

  it('honours the level', () => {
    const { lines, logger } = capture({ level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('redactJwts', () => {
  it.each<[string, string]>([
    [`a ${TOKEN} b`, 'a [REDACTED] b'],
    [`${TOKEN},${TOKEN}`, '[REDACTED],[REDACTED]'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '[REDACTED]'],
    ['eyJonly.one', 'eyJonly.one'],
    ['no token here', 'no token here'],
  ])('%s', (input, want) => {
    expect(redactJwts(input)).toBe(want);
  });
});

describe('JWT_PATTERN', () => {
  it('is not global, so repeated .test() calls agree', () => {
    expect(JWT_PATTERN.global).toBe(false);
    expect([JWT_PATTERN.test(TOKEN), JWT_PATTERN.test(TOKEN)]).toEqual([true, true]);
  });
});
