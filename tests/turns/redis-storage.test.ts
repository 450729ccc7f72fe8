import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ETagConflictError, LockLostError } from '../../bot/errors';
import { RedisStorage } from '../../turns/redis-storage';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

let redis: Redis;
let prefix: string;
let storage: RedisStorage;
beforeEach(() => {
  redis = redisClient();
  prefix = testPrefix();
  storage = new RedisStorage(redis, { prefix: `${prefix}:state:` });
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('RedisStorage', () => {
  it('reads back what it wrote, with an eTag', async () => {
    await storage.write({ a: { step: 1 } });
    const items = await storage.read(['a', 'missing']);
    expect(items.a).toMatchObject({ step: 1 });
    expect(typeof items.a.eTag).toBe('string');
    expect(items.missing).toBeUndefined();
  });

  it('rejects a write whose eTag is stale and keeps the newer value', async () => {
    await storage.write({ a: { step: 1 } });
    const first = await storage.read(['a']);
    const second = await storage.read(['a']);
    await storage.write({ a: { ...first.a, step: 2 } });
    await expect(storage.write({ a: { ...second.a, step: 3 } })).rejects.toBeInstanceOf(ETagConflictError);
    expect((await storage.read(['a'])).a).toMatchObject({ step: 2 });
  });

  it("overwrites unconditionally with eTag '*' and allows a second save in one turn", async () => {
    await storage.write({ a: { step: 1 } });
    await storage.write({ a: { step: 5, eTag: '*' } });
    const item = (await storage.read(['a'])).a;
    const change = { a: { ...item, step: 6 } };
    await storage.write(change);
    change.a.step = 7;
    await storage.write(change);
    expect((await storage.read(['a'])).a).toMatchObject({ step: 7 });
  });

  it('commits a turn (state, journal, appended lines) only while its fence lock holds the token; otherwise writes nothing', async () => {
    const lock = `${prefix}:lock`;
    const fence = { key: lock, token: 'turn-1' };
    const commit = (step: number) => storage.commitJson(
      new Map([['a', JSON.stringify({ step })]]),
      { key: `${prefix}:journal`, value: `j${step}`, ttlMs: 60_000 },
      { key: `${prefix}:lines`, values: [`line ${step}`] },
      fence,
    );
    await redis.set(lock, 'turn-1');
    await commit(1);
    await redis.set(lock, 'turn-2'); // another worker took the conversation over
    await expect(commit(2)).rejects.toBeInstanceOf(LockLostError);
    await redis.del(lock); // the lock expired
    await expect(commit(3)).rejects.toBeInstanceOf(LockLostError);
    expect((await storage.read(['a'])).a).toMatchObject({ step: 1 });
    expect(await redis.get(`${prefix}:journal`)).toBe('j1');
    expect(await redis.lrange(`${prefix}:lines`, 0, -1)).toEqual(['line 1']);
  });

  it('deletes items', async () => {
    await storage.write({ a: { step: 1 }, b: { step: 2 } });
    await storage.delete(['a']);
    expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
  });
});
