/**
 * Runs tasks one at a time per key and concurrently across keys: a citizen's messages reach the
 * inbound queue in the order WhatsApp delivered them, even when the first one is a photo that takes
 * a second to download, while other chats are not held up by it.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind the key's earlier tasks. A task that throws does not stop the next. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task).catch(() => undefined);
    this.tails.set(key, next);
    // Forget the key once its last task is done, so the map holds only chats with work in flight.
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
