import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../queues/rate-limiter';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

const redis = redisClient();
const prefix = testPrefix();
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('RateLimiter (Telegram-like limits: 30/s overall, 1 s between deliveries to one chat)', () => {
  const limit = { perSecond: 30, perChatGapMs: 1_000 };
  let now = 1_700_000_000_000;
  const limiter = new RateLimiter(redis, prefix, () => now);

  it('spaces deliveries to one chat and caps the whole channel per second, across callers sharing Redis', async () => {
    expect(await limiter.tryTake('telegram', 'chat-1', 1, limit)).toBe(0);
    now += 100;
    expect(await limiter.tryTake('telegram', 'chat-1', 1, limit)).toBe(900);
    // Other chats go until the second's 30 messages are used (chat-1 used 1).
    const others = [];
    for (let i = 2; i <= 30; i++) others.push(await limiter.tryTake('telegram', `chat-${i}`, 1, limit));
    expect(others.every((w) => w === 0)).toBe(true);
    expect(await limiter.tryTake('telegram', 'chat-31', 1, limit)).toBe(900);
    // A different process (another limiter on the same Redis) sees the same counts.
    expect(await new RateLimiter(redis, prefix, () => now).tryTake('telegram', 'chat-32', 1, limit)).toBe(900);
    now += 900;
    expect(await limiter.tryTake('telegram', 'chat-31', 1, limit)).toBe(0);
    expect(await limiter.tryTake('telegram', 'chat-1', 1, limit)).toBe(0);
  });

  it('lets a batch bigger than the per-second limit through in an empty second', async () => {
    now += 10_000;
    expect(await limiter.tryTake('telegram', 'chat-big', 45, limit)).toBe(0);
  });
});
