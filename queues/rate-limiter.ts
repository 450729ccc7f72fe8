import type { Redis } from 'ioredis';
import { luaScript } from '../bot/lua';

/** A platform's sending limits (Telegram: about 30 messages/s overall and 1/s per chat). */
export interface RateLimit {
  /** Messages per second over all chats, across every process. */
  perSecond: number;
  /** Least time between two deliveries to one chat. @defaultValue 0 */
  perChatGapMs?: number;
}

/** Counts a delivery if both limits allow it; else the ms to wait (see the script's header). */
const TAKE_LUA = luaScript('queues/lua/rate-limiter/take.lua');

/**
 * The outbound queue's rate limiter, shared by every process through Redis: a delivery waits here until
 * its platform's limits allow it, instead of being refused by the platform (429) and retried later.
 *
 * Hand-written on purpose (issue 14): rate-limiter-flexible's Redis limiter counts in whole seconds
 * (WhatsApp's 500 ms per-chat gap would get no expiry at all), cannot decide two limits in one step
 * (a refused chat would have to give back the channel's points), and refuses a batch above its points
 * forever; BullMQ's own limiter counts jobs, not messages, and has no per-chat gap outside BullMQ Pro.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    if (!redis.rlTake) redis.defineCommand('rlTake', { numberOfKeys: 2, lua: TAKE_LUA });
  }

  /** Resolves when `cost` messages to `chat` of `channel` may be sent (and counts them). */
  async take(channel: string, chat: string, cost: number, limit: RateLimit): Promise<void> {
    for (let waitMs = await this.tryTake(channel, chat, cost, limit); waitMs > 0; waitMs = await this.tryTake(channel, chat, cost, limit)) {
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** One attempt: 0 when the messages may go now (and they are counted), else the ms to wait. */
  async tryTake(channel: string, chat: string, cost: number, limit: RateLimit): Promise<number> {
    const now = this.clock();
    return this.redis.rlTake(
      `${this.prefix}:rl:${channel}:${Math.floor(now / 1_000)}`, `${this.prefix}:rl:${channel}:chat:${chat}`,
      String(now), String(cost), String(limit.perSecond), String(limit.perChatGapMs ?? 0),
    );
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    rlTake(...args: string[]): Promise<number>;
  }
}
