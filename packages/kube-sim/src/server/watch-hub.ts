import type { ServerResponse } from 'node:http';

/** Tracks open watch responses so that faults can drop them all. */
export class WatchHub {
  private readonly open = new Set<{ res: ServerResponse; close: () => void }>();

  /** Register an open watch; returns the function that unregisters it. */
  add(res: ServerResponse, close: () => void): () => void {
    const entry = { res, close };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  /** Number of open watches. */
  get size(): number {
    return this.open.size;
  }

  /** End every open watch (the connection is closed as a restarting apiserver would). */
  dropAll(): number {
    const all = [...this.open];
    this.open.clear();
    for (const w of all) w.close();
    return all.length;
  }
}
