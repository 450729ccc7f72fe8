import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCallLimiter } from '../../dialogs/llm-safety/index';

let redis: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  prefix = `t-llm-safety-${randomUUID()}`;
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('RedisCallLimiter (real Redis)', () => {
  it('allows N calls per citizen per hour, counted across limiter instances (processes), then refuses', async () => {
    let now = Date.UTC(2026, 4, 12, 9, 15);
    const a = new RedisCallLimiter(redis, prefix, { limit: 3, now: () => now });
    const b = new RedisCallLimiter(redis, prefix, { limit: 3, now: () => now });
    expect(await a.take('webchat:ana')).toBe(true);
    expect(await b.take('webchat:ana')).toBe(true);
    expect(await a.take('webchat:ana')).toBe(true);
    expect(await b.take('webchat:ana')).toBe(false);
    expect(await a.take('telegram:joan')).toBe(true);
    now += 3_600_000;
    expect(await a.take('webchat:ana')).toBe(true);
  });

  it('keys expire with their window and never hold the citizen id (it may be a phone number)', async () => {
    const now = Date.UTC(2027, 0, 1, 0, 0); // a window no other test uses
    const limiter = new RedisCallLimiter(redis, prefix, { limit: 5, now: () => now });
    await limiter.take('whatsapp:34612345678');
    const keys = await redis.keys(`${prefix}:llm-calls:${Math.floor(now / 3_600_000)}:*`);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).not.toContain('34612345678');
    const ttl = await redis.pttl(key!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('a limit of 0 refuses without touching Redis', async () => {
    const before = (await redis.keys(`${prefix}:*`)).length;
    const limiter = new RedisCallLimiter(redis, prefix, { limit: 0 });
    expect(await limiter.take('nobody')).toBe(false);
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(before);
  });
});
