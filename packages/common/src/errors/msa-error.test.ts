import { describe, expect, it } from 'vitest';
import { isMsaError, MsaError } from './msa-error.js';

describe('MsaError', () => {
  it('takes status and retryable from the catalog and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new MsaError('MSA_ERR_REDIS_UNAVAILABLE', 'redis down', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MsaError');
    expect(e.statusCode).toBe(503);
    expect(e.retryable).toBe(true);
    expect(e.cause).toBe(cause);
    expect(e.retryAfterMs).toBeUndefined();
    expect(e.toBody()).toEqual({ code: 'MSA_ERR_REDIS_UNAVAILABLE', message: 'redis down', statusCode: 503 });
  });

  it('the body never carries the cause', () => {
    const e = new MsaError('MSA_ERR_INTERNAL', 'oops', { cause: new Error('secret detail') });
    expect(JSON.stringify(e.toBody())).not.toContain('secret detail');
  });

  it('retryable and retryAfterMs can be overridden', () => {
    const e = new MsaError('MSA_ERR_KUBE_FORBIDDEN', 'x', { retryable: true, retryAfterMs: 5000 });
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(5000);
  });

  it.each<[unknown, boolean]>([
    [new MsaError('MSA_ERR_INTERNAL', 'x'), true],
    [Object.assign(new Error('x'), { name: 'MsaError', code: 'MSA_ERR_INTERNAL', statusCode: 500 }), true],
    [new Error('x'), false],
    [{ name: 'MsaError', code: 'MSA_ERR_INTERNAL', statusCode: 500 }, false],
    [undefined, false],
  ])('isMsaError(%#)', (value, want) => {
    expect(isMsaError(value)).toBe(want);
  });
});
