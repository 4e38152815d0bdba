import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';

/** Options of {@link runBullmqBaseline}. */
export interface BaselineOptions {
  redisUrl: string;
  /** Key prefix of the baseline queues, distinct from the product's `msa`. */
  prefix: string;
  /** One queue and one worker per cluster, like the product. */
  queues: number;
  /** Jobs in total, spread round-robin over the queues. */
  jobs: number;
  /** Concurrency of each worker. */
  concurrency: number;
  timeoutMs: number;
}

/** Result of {@link runBullmqBaseline}. */
export interface BaselineResult {
  jobs: number;
  /** From the first add to the last completion. */
  elapsedMs: number;
  jobsPerSecond: number;
}

/**
 * The ceiling: the same number of jobs through BullMQ with the same queue layout and worker
 * concurrency, a processor that does nothing, on the same Redis. Jobs are added one `add` each,
 * as the hub does, all at once. Workers run in this process (the product's run in one process per
 * cluster), so the figure is what BullMQ alone can do on this machine with this Redis.
 */
export async function runBullmqBaseline(opts: BaselineOptions): Promise<BaselineResult> {
  const connection = { url: opts.redisUrl, maxRetriesPerRequest: null };
  const names = Array.from({ length: opts.queues }, (_, i) => `{baseline-${i + 1}}`);
  const queues = names.map((name) => new Queue(name, { connection, prefix: opts.prefix }));
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const allDone = new Promise<void>((res) => {
    resolveAll = res;
  });
  const workers = names.map(
    (name) =>
      new Worker(name, () => Promise.resolve(), {
        connection,
        prefix: opts.prefix,
        concurrency: opts.concurrency,
        autorun: false,
      }),
  );
  let failures = 0;
  for (const w of workers) {
    w.on('completed', () => {
      done += 1;
      if (done === opts.jobs) resolveAll();
    });
    w.on('failed', () => {
      failures += 1;
    });
    w.on('error', () => undefined);
  }
  try {
    await Promise.all([...queues.map((q) => q.waitUntilReady()), ...workers.map((w) => w.waitUntilReady())]);
    for (const w of workers) void w.run();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: opts.jobs }, (_, i) => {
        const q = queues[i % queues.length];
        if (q === undefined) throw new Error('baseline: no queue');
        return q.add('noop', { i }, { removeOnComplete: { age: 3600, count: 1000 } });
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allDone,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`baseline: ${done}/${opts.jobs} jobs done after ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    const elapsedMs = performance.now() - start;
    if (failures > 0) throw new Error(`baseline: ${failures} no-op jobs failed`);
    return { jobs: opts.jobs, elapsedMs, jobsPerSecond: (opts.jobs * 1000) / elapsedMs };
  } finally {
    await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
    // Leave nothing behind in a shared Redis.
    await Promise.all(queues.map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}
