/**
 * Group commit: while one write is running, later items wait and go together in the next write.
 * Each caller's promise settles when its own items are written (nothing is acknowledged from memory),
 * so under load many concurrent turns share one transaction instead of queueing for one each.
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private running = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push(...items);
      this.waiters.push({ resolve, reject });
      if (this.running) return;
      this.running = true;
      // Start at the end of this tick, so that every turn finishing in it shares the first transaction too.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const items = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.write(items);
        for (const w of waiters) w.resolve();
      } catch (err) {
        // Every caller in the batch learns of the failure; their queue jobs retry their own items.
        for (const w of waiters) w.reject(err);
      }
    }
    this.running = false;
  }
}
