import type { Redis } from 'ioredis';

/** How long after a citizen's last message a business may send free-form messages (Meta's rule). */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1_000;

/** Milliseconds since the epoch; injectable so tests can step past the window. */
export type Clock = () => number;

/**
 * WhatsApp's 24-hour customer-service window. This is the ONE place that knows the rule: the webhook
 * calls `touch` for every citizen message, and `send` asks `isOpen` to choose between a free-form
 * message and a template. Outside the window Meta refuses free-form messages (error 131047), so
 * deciding up front saves a failed call and lets us send the configured template instead.
 *
 * Kept in Redis (not in this process) because the webhook and the outbound worker may run in
 * different processes: one sorted set of conversation → last inbound time, written with `GT` so a
 * late, out-of-order webhook never moves the time back; plus the last inbound message id per
 * conversation, which the typing indicator must name.
 */
export class ServiceWindow {
  private readonly lastInbound: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock = Date.now,
  ) {
    this.lastInbound = `${prefix}:wac:last-inbound`;
  }

  /**
   * Records a citizen message. `sentAtMs` is WhatsApp's timestamp of the message; a time in the future
   * (clock skew) counts as now, so a wrong clock cannot stretch the window.
   */
  async touch(conversationId: string, messageId: string, sentAtMs: number): Promise<void> {
    const at = Math.min(sentAtMs, this.clock());
    await this.redis
      .multi()
      .zadd(this.lastInbound, 'GT', at, conversationId)
      .set(this.lastMessageKey(conversationId), messageId, 'PX', SERVICE_WINDOW_MS)
      .exec();
    await this.forgetClosed();
  }

  /** Whether a free-form message may be sent now. Unknown conversations count as closed. */
  async isOpen(conversationId: string): Promise<boolean> {
    const at = await this.redis.zscore(this.lastInbound, conversationId);
    return at !== null && this.clock() - Number(at) < SERVICE_WINDOW_MS;
  }

  /** The citizen's last message id while the window is open (for "mark as read" and "typing…"). */
  lastMessageId(conversationId: string): Promise<string | null> {
    return this.redis.get(this.lastMessageKey(conversationId));
  }

  private lastMessageKey(conversationId: string): string {
    return `${this.prefix}:wac:last-message:${conversationId}`;
  }

  /** Entries older than the window mean the same as no entry: drop them so the set does not grow forever. */
  private async forgetClosed(): Promise<void> {
    await this.redis.zremrangebyscore(this.lastInbound, '-inf', `(${this.clock() - SERVICE_WINDOW_MS}`);
  }
}
