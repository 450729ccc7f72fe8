import type { SendProgress } from '../../bot/channel';

/**
 * An in-memory SendProgress, as the outbound queue keeps it in Redis for one outbound item: tests call
 * `send` again with the same object to play the queue's retry of that item.
 */
export class MemorySendProgress implements SendProgress {
  delivered = 0;

  async mark(count: number): Promise<void> {
    this.delivered = count;
  }
}
