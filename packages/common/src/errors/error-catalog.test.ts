// Reading the doc is test-only I/O; the package's src stays free of fs (the brief allows it here).
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, ErrorCode, isErrorCode } from './error-catalog.js';

interface DocRow {
  code: string;
  statusCode: number;
  retryable: boolean;
}

/** Parses the main table of docs/errors.md: | `CODE` | status | yes/no | meaning |. */
function docRows(): DocRow[] {
  const text = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const rows: DocRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(MSA_ERR_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|/.exec(line);
    if (m) rows.push({ code: m[1] ?? '', statusCode: Number(m[2]), retryable: m[3] === 'yes' });
  }
  return rows;
}

describe('error catalog', () => {
  it('every code is MSA_ERR_ and unique', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^MSA_ERR_[A-Z0-9_]+$/);
  });

  it('has an entry for every code and no extra entries', () => {
    expect(Object.keys(ERROR_CATALOG).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('has the codes the components need', () => {
    expect(ErrorCode).toMatchObject({
      InvalidRequestBody: 'MSA_ERR_INVALID_REQUEST_BODY',
      Unauthenticated: 'MSA_ERR_UNAUTHENTICATED',
      Forbidden: 'MSA_ERR_FORBIDDEN',
      MsaNotFound: 'MSA_ERR_MSA_NOT_FOUND',
      MsaUidMismatch: 'MSA_ERR_MSA_UID_MISMATCH',
      ClusterNotFound: 'MSA_ERR_CLUSTER_NOT_FOUND',
      InvalidSpec: 'MSA_ERR_INVALID_SPEC',
      TokenRequestApiMissing: 'MSA_ERR_TOKEN_REQUEST_API_MISSING',
      TokenRequestRefused: 'MSA_ERR_TOKEN_REQUEST_REFUSED',
      RedisUnavailable: 'MSA_ERR_REDIS_UNAVAILABLE',
      ConfigInvalid: 'MSA_ERR_CONFIG_INVALID',
      Internal: 'MSA_ERR_INTERNAL',
    });
    expect(ERROR_CATALOG.MSA_ERR_UNAUTHENTICATED.statusCode).toBe(401);
    expect(ERROR_CATALOG.MSA_ERR_FORBIDDEN.statusCode).toBe(403);
  });

  it('every HTTP status is a 4xx or 5xx', () => {
    for (const entry of Object.values(ERROR_CATALOG)) {
      expect(entry.statusCode).toBeGreaterThanOrEqual(400);
      expect(entry.statusCode).toBeLessThan(600);
    }
  });

  it('isErrorCode', () => {
    expect(isErrorCode('MSA_ERR_INTERNAL')).toBe(true);
    expect(isErrorCode('MSA_ERR_NOPE')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe('docs/errors.md is in step with the catalog', () => {
  const rows = docRows();

  it('lists every catalog code with its status and retryable flag', () => {
    for (const code of ERROR_CODES) {
      const row = rows.find((r) => r.code === code);
      expect(row, `docs/errors.md lacks ${code}`).toBeDefined();
      expect(row).toEqual({
        code,
        statusCode: ERROR_CATALOG[code].statusCode,
        retryable: ERROR_CATALOG[code].retryable,
      });
    }
  });

  it('lists no code that the catalog lacks, and none twice', () => {
    for (const row of rows) expect(isErrorCode(row.code), `${row.code} is not in the catalog`).toBe(true);
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
  });
});
