import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** One child process started by a {@link ProcessGroup}. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Last lines of stdout+stderr (bounded), for readiness checks and test assertions. */
  readonly lines: string[];
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Resolves with the first line matching `re` (rejects if the process exits first or on timeout). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
}

const MAX_LINES = 20_000;

/** Options of a {@link ProcessGroup}. */
export interface ProcessGroupOptions {
  /**
   * Start every child in its own process group, so that a terminal's Ctrl-C (SIGINT to the
   * whole foreground group) reaches only the owner, which then stops the children in order
   * (workers before the hub before Redis). Off by default: test runners rely on the terminal
   * signal reaching the children too.
   */
  detached?: boolean;
}

// Pids of children still running, across every group of this process. Whatever way the owner
// exits (crash, process.exit from a force timer), the 'exit' hook SIGKILLs what is left, so a
// detached child never outlives it unnoticed.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // Already gone: nothing to do.
      }
    }
  });
}

/**
 * Starts and stops the processes of a local stack. Output goes to `<logDir>/<name>.log` and a
 * bounded in-memory tail; `stopAll` sends SIGTERM, waits, then SIGKILLs stragglers, so a stack
 * never outlives its owner.
 */
export class ProcessGroup {
  private readonly procs: ManagedProcess[] = [];
  private readonly streams: WriteStream[] = [];

  constructor(
    private readonly logDir: string,
    private readonly options: ProcessGroupOptions = {},
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  /** All processes started so far. */
  get processes(): readonly ManagedProcess[] {
    return this.procs;
  }

  start(
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ): ManagedProcess {
    const logFile = join(this.logDir, `${name}.log`);
    const out = createWriteStream(logFile, { flags: 'a' });
    this.streams.push(out);
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.options.detached === true,
    });
    track(child);
    const lines: string[] = [];
    const waiters = new Set<(line: string) => void>();
    let partial = { stdout: '', stderr: '' };
    const onData = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
      out.write(chunk);
      const text = partial[which] + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = { ...partial, [which]: parts.pop() ?? '' };
      for (const line of parts) {
        lines.push(line);
        if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
        for (const w of waiters) w(line);
      }
    };
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    const waitForLine = (re: RegExp, timeoutMs: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => re.test(l));
        if (found !== undefined) {
          resolve(found);
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`${name}: no line matching ${String(re)} within ${timeoutMs} ms (log: ${logFile})`),
          );
        }, timeoutMs);
        const check = (line: string): void => {
          if (!re.test(line)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
        void exited.then((code) => {
          if (!waiters.has(check)) return;
          clearTimeout(timer);
          waiters.delete(check);
          reject(
            new Error(
              `${name} exited (${String(code)}) before printing ${String(re)}; see ${logFile}:\n${lines.slice(-15).join('\n')}`,
            ),
          );
        });
      });
    const proc: ManagedProcess = { name, child, logFile, lines, exited, waitForLine };
    this.procs.push(proc);
    return proc;
  }

  /** Stops one process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(proc: ManagedProcess, graceMs = 6000): Promise<void> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }

  /**
   * Stops every process within `graceMs` + a little, in dependency order: the workers first
   * (they report to the hub), then the hub (it holds Redis and cluster connections), then the
   * rest (clusters, Redis), so nothing logs errors about a peer that vanished under it.
   */
  async stopAll(graceMs = 6000): Promise<void> {
    const workers = this.procs.filter((p) => p.name.startsWith('msa-worker'));
    const hubs = this.procs.filter((p) => p.name.startsWith('msa-') && !workers.includes(p));
    const rest = this.procs.filter((p) => !p.name.startsWith('msa-'));
    const started = Date.now();
    const left = (): number => Math.max(500, graceMs - (Date.now() - started));
    for (const phase of [workers, hubs, rest]) {
      const budget = left();
      await Promise.all(phase.map((p) => this.stop(p, budget)));
    }
    await Promise.all(this.streams.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
  }
}
