// A separate worker process for tests/queues/ordered-queue*.test.ts: handles items like the parent does,
// hangs forever (until killed) on an item whose value is "hang", and on an item whose value is "slow"
// says so, waits SLOW_MS before its commit (the parent freezes the process meanwhile, SIGSTOP) and says
// when that item's handling ended ("settled"), whether it committed or found its lock lost ("lost").
// Every item's effect is a commit fenced by the key's lock, as the turn worker's is.
import pino from 'pino';
import { Redis } from 'ioredis';
import { LockLostError } from '../../bot/errors';
import { OrderedQueue } from '../../queues/ordered-queue';
import { commitItem } from './ordered-items';

const [prefix, lockMs, slowMs] = [process.env.PREFIX!, Number(process.env.LOCK_MS), Number(process.env.SLOW_MS ?? 500)];
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const q = new OrderedQueue<{ n: number; v: string }>(redis, { name: 'test', prefix, lockMs });
q.work(redis.duplicate(), {
  concurrency: 8,
  log: pino({ level: 'silent' }),
  handle: async (key, item, drained) => {
    if (item.v === 'hang') {
      await redis.rpush(`${prefix}:hung`, `${key}#${item.n}`);
      await new Promise(() => undefined);
    }
    if (item.v === 'slow') {
      await redis.rpush(`${prefix}:started`, `${key}#${item.n}`);
      await new Promise((r) => setTimeout(r, slowMs));
    }
    try {
      await commitItem(redis, prefix, key, item, drained, 'child');
    } catch (err) {
      if (err instanceof LockLostError) await redis.rpush(`${prefix}:lost`, `${key}#${item.n}`);
      throw err;
    } finally {
      if (item.v === 'slow') await redis.rpush(`${prefix}:settled`, `${key}#${item.n}`);
    }
  },
});
await redis.rpush(`${prefix}:ready`, String(process.pid));
