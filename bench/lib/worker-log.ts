/** When a worker started and finished the reconcile job of one MSA (epoch ms, from its log). */
export interface JobTimes {
  startedAt: number;
  finishedAt: number | undefined;
}

interface LogLine {
  time?: number;
  msg?: string;
  job?: string;
  msa?: string;
}

/**
 * Reads the spoke workers' JSON log lines ("job started" / "job finished" of `reconcile` jobs,
 * keyed `<namespace>/<name>`) to split each MSA's latency into queueing and work. The first start
 * and the last finish are kept, so a retried job counts whole. Lines that are not JSON or carry
 * other messages are skipped: this is a best-effort reading of logs, never a contract.
 */
export function reconcileJobTimes(lines: readonly string[]): {
  jobs: Map<string, JobTimes>;
  /** Every `reconcile` job start (retries and repeated jobs for one MSA included). */
  starts: number;
} {
  const out = new Map<string, JobTimes>();
  let starts = 0;
  for (const raw of lines) {
    if (!raw.startsWith('{')) continue;
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      continue;
    }
    if (line.job !== 'reconcile' || line.msa === undefined || typeof line.time !== 'number') continue;
    const known = out.get(line.msa);
    if (line.msg === 'job started') {
      starts += 1;
      if (known === undefined) out.set(line.msa, { startedAt: line.time, finishedAt: undefined });
    } else if (line.msg === 'job finished' && known !== undefined) {
      known.finishedAt = line.time;
    }
  }
  return { jobs: out, starts };
}
