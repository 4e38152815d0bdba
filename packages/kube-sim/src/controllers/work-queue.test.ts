import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('retries failing work and stops retrying after the attempts', async () => {
    const q = new WorkQueue();
    let calls = 0;
    await new Promise<void>((resolve) => {
      q.add(() => {
        calls++;
        if (calls === 3) resolve();
        throw new Error('conflict');
      }, 3);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(3);
  });

  it('runs nothing after stop', async () => {
    const q = new WorkQueue();
    let ran = false;
    q.add(() => (ran = true));
    q.stop();
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(false);
  });
});
