import { describe, expect, it } from 'vitest';
import { redisClient } from './redis';
import { useRedisPrefix } from './redis-prefix';

/* The shared Redis fixture: each test its own prefix and client; after it, its closers and its keys go. */

describe('useRedisPrefix', () => {
  const fx = useRedisPrefix();
  const order: string[] = [];
  let first: { prefix: string; closed: boolean } | undefined;

  it('gives a test its own prefix and a client, and runs its closers last first', async () => {
    await fx.redis.set(`${fx.prefix}:a`, '1');
    await fx.redis.rpush(`${fx.prefix}:b`, 'x');
    first = { prefix: fx.prefix, closed: false };
    fx.closers.push(async () => void order.push('opened first'));
    fx.closers.push(async () => { order.push('opened last'); first!.closed = true; });
    expect(await fx.redis.get(`${fx.prefix}:a`)).toBe('1');
  });

  it("finds the previous test's keys deleted, its closers run, and a new prefix", async () => {
    expect(first?.closed).toBe(true);
    expect(order).toEqual(['opened last', 'opened first']);
    expect(fx.closers).toEqual([]);
    expect(fx.prefix).not.toBe(first!.prefix);
    const other = redisClient();
    try {
      expect(await other.keys(`${first!.prefix}:*`)).toEqual([]);
    } finally {
      other.disconnect();
    }
  });
});
