/**
 * The sends a channel adapter has started and not finished, so `stop()` can wait for them: every
 * adapter's send goes through `track`, and stop awaits `settled()`.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work` as one of the tracked operations; resolves or rejects as it does. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Resolves when every operation started so far has finished, whether it failed or not. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
