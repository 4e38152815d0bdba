/**
 * Runs controller work after the current request, like a controller's work queue: errors are
 * retried with a short backoff (a few times) instead of crashing the process, and nothing runs
 * once the cluster is stopped.
 */
export class WorkQueue {
  private stopped = false;

  /** Schedule `work`; it is retried up to `attempts` times when it throws. */
  add(work: () => void, attempts = 5): void {
    const run = (left: number, delayMs: number): void => {
      const go = (): void => {
        if (this.stopped) return;
        try {
          work();
        } catch {
          // Conflicts with concurrent writes are expected; the next attempt sees fresh state.
          if (left > 1) run(left - 1, Math.max(10, delayMs * 2));
        }
      };
      if (delayMs === 0) setImmediate(go);
      else setTimeout(go, delayMs).unref();
    };
    run(attempts, 0);
  }

  /** Drop pending and future work. */
  stop(): void {
    this.stopped = true;
  }
}
