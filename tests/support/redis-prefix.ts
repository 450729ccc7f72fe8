import type { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { dropPrefix, redisClient, testPrefix } from './redis';

/** What `useRedisPrefix` gives a test file; read `prefix` and `redis` inside tests (they change per test). */
export interface RedisPrefixFixture {
  /** This test's key prefix. */
  readonly prefix: string;
  /** This test's own Redis client. */
  readonly redis: Redis;
  /** What the test opened (queues, workers, connections): closed after it, last opened first. */
  readonly closers: Array<() => Promise<unknown>>;
}

/**
 * A fresh key prefix and Redis client for every test of the file, by vitest hooks: after each test its
 * `closers` run (last first, so a worker closes before the connection under it), then its keys are
 * deleted and the client disconnected. Call it at the file's top level. Kept apart from ./redis, which
 * benches import outside vitest.
 *
 * @example
 * const fx = useRedisPrefix();
 * it('counts', async () => { await fx.redis.set(`${fx.prefix}:n`, 1); });
 */
export function useRedisPrefix(): RedisPrefixFixture {
  let prefix: string | undefined;
  let redis: Redis | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  beforeEach(() => {
    prefix = testPrefix();
    redis = redisClient();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await dropPrefix(redis!, prefix!);
    redis!.disconnect();
  });
  const outsideTest = (): never => { throw new Error('useRedisPrefix: prefix and redis exist only inside a test'); };
  return {
    get prefix() { return prefix ?? outsideTest(); },
    get redis() { return redis ?? outsideTest(); },
    closers,
  };
}
