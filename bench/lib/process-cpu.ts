import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) a process has used so far; `undefined` once it is gone. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // /proc/<pid>/stat: the command name (field 2) may contain spaces, so split after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name, utime and stime are the 12th and 13th fields (fields 14 and 15 overall).
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * USER_HZ: the unit of /proc/<pid>/stat times. 100 on every Linux architecture Node runs on
 * (the kernel exports USER_HZ = 100 to user space regardless of CONFIG_HZ).
 */
const CLOCK_TICKS = 100;

/** CPU time of several named processes, taken at one moment. */
export type CpuSnapshot = Record<string, number>;

/** CPU ms per named pid (processes already gone are left out), plus this process under `bench`. */
export function snapshotCpu(pids: Readonly<Record<string, number | undefined>>): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, pid] of Object.entries(pids)) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) out[name] = ms;
  }
  const self = process.cpuUsage();
  out['bench (this process)'] = (self.user + self.system) / 1000;
  return out;
}

/** CPU ms each process used between two snapshots. */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, ms] of Object.entries(after)) {
    const start = before[name];
    if (start !== undefined) out[name] = ms - start;
  }
  return out;
}

/** Busy and total CPU time of the whole machine (all cores, ms) from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal ...
    const v = first.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** 1-minute load average (runnable + waiting tasks), or NaN when unknown. */
export function loadAverage1(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}
