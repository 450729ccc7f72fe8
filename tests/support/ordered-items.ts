import type { Redis } from 'ioredis';
import { RedisStorage } from '../../turns/redis-storage';
import type { Drained } from '../../queues/ordered-queue';

/**
 * What a test handler of OrderedQueue does with an item, shaped like a turn's commit: the key's state
 * (the last item handled), a journal and a line appended to `<prefix>:done:<key>` ("<n>@<who>"), in one
 * call fenced by the key's lock. A drainer that lost the lock gets LockLostError and changes nothing.
 */
export async function commitItem(redis: Redis, prefix: string, key: string, item: { n: number }, drained: Drained, who: string): Promise<void> {
  const storage = new RedisStorage(redis, { prefix: `${prefix}:state:` });
  await storage.commitJson(
    new Map([[`last:${key}`, JSON.stringify({ n: item.n, by: who })]]),
    { key: drained.journalKey, value: String(item.n), ttlMs: 60_000 },
    { key: `${prefix}:done:${key}`, values: [`${item.n}@${who}`] },
    drained.fence,
  );
}
