import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix so tests never see each other's keys. */
export const testPrefix = (): string => `t-${randomUUID().slice(0, 8)}`;

export const redisClient = (): Redis => new Redis(REDIS_URL, { maxRetriesPerRequest: null });

/** Deletes every key under `prefix` (tests clean up after themselves). */
export function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  return deleteKeysMatching(redis, `${prefix}:*`);
}

/** Deletes every key matching a SCAN pattern (benches also clean `<prefix>-tg:*` and the like with `<prefix>*`). */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Polls `check` until it returns true (for results that arrive through queues). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
