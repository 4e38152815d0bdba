import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in arrival order, and other keys in parallel', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const job = (key: string, id: string) =>
      m.run(key, async () => {
        log.push(`start ${id}`);
        await tick();
        await tick();
        log.push(`end ${id}`);
        return id;
      });
    const results = await Promise.all([job('a', 'a1'), job('a', 'a2'), job('b', 'b1')]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(m.size).toBe(0);
  });

  it('releases the key when the work throws', async () => {
    const m = new KeyedMutex();
    await expect(m.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(m.run('k', () => Promise.resolve(1))).resolves.toBe(1);
    expect(m.size).toBe(0);
  });
});
