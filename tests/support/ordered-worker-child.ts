// A separate worker process for tests/queues/ordered-queue.test.ts: handles items like the parent does,
// and hangs forever (until killed) on an item whose value is "hang".
import pino from 'pino';
import { Redis } from 'ioredis';
import { OrderedQueue } from '../../queues/ordered-queue';

const [prefix, lockMs] = [process.env.PREFIX!, Number(process.env.LOCK_MS)];
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const q = new OrderedQueue<{ n: number; v: string }>(redis, { name: 'test', prefix, lockMs });
q.work(redis.duplicate(), {
  concurrency: 8,
  log: pino({ level: 'silent' }),
  handle: async (key, item) => {
    if (item.v === 'hang') {
      await redis.rpush(`${prefix}:hung`, `${key}#${item.n}`);
      await new Promise(() => undefined);
    }
    await redis.rpush(`${prefix}:done:${key}`, `${item.n}@child`);
  },
});
await redis.rpush(`${prefix}:ready`, String(process.pid));
