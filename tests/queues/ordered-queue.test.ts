import { spawn } from 'node:child_process';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OrderedQueue } from '../../queues/ordered-queue';
import { eventually, redisClient, REDIS_URL } from '../support/redis';
import { useRedisPrefix } from '../support/redis-prefix';

type Item = { n: number; v: string };
const log = pino({ level: 'silent' });
const fx = useRedisPrefix();

function queue(lockMs = 15_000, extra: Partial<ConstructorParameters<typeof OrderedQueue>[1]> = {}) {
  const conn = redisClient();
  const q = new OrderedQueue<Item>(conn, { name: 'test', prefix: fx.prefix, lockMs, ...extra });
  fx.closers.push(async () => { await q.close(); conn.disconnect(); });
  return { q, conn };
}

const done = (key: string) => fx.redis.lrange(`${fx.prefix}:done:${key}`, 0, -1);

describe('OrderedQueue', () => {
  it('shares drain jobs between keys pushed together (at most 64 keys per job)', async () => {
    const { q } = queue();
    await Promise.all(Array.from({ length: 200 }, (_, i) => q.push(`conv-${i}`, { n: 0, v: 'x' })));
    // Pushes whose Redis answers arrive in one tick share a job; answers may straddle a few ticks.
    const { waiting = 0 } = await q.queue.getJobCounts('waiting');
    expect(waiting).toBeGreaterThanOrEqual(4);
    expect(waiting).toBeLessThanOrEqual(20);
  });

  it('delivers each key in push order, one at a time, across two independent workers', async () => {
    const running = new Set<string>();
    let overlaps = 0;
    const handle = (who: string) => async (key: string, item: Item) => {
      if (running.has(key)) overlaps++;
      running.add(key);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      running.delete(key);
      await fx.redis.rpush(`${fx.prefix}:done:${key}`, `${item.n}@${who}`);
    };
    const a = queue();
    const b = queue();
    a.q.work(a.conn.duplicate(), { concurrency: 8, log, handle: handle('a') });
    b.q.work(b.conn.duplicate(), { concurrency: 8, log, handle: handle('b') });
    const keys = Array.from({ length: 12 }, (_, i) => `conv-${i}`);
    // Each key's first message arrives alone (its own drain job, so both workers get keys); then each
    // key's messages arrive one after another, alternating between two queue handles (two web
    // processes), all keys concurrently (pushes of one tick share a drain job).
    for (const key of keys) await b.q.push(key, { n: 0, v: 'x' });
    await Promise.all(keys.map(async (key) => {
      for (let n = 1; n < 25; n++) await (n % 2 ? a.q : b.q).push(key, { n, v: 'x' });
    }));
    await eventually(async () => (await Promise.all(keys.map(done))).every((d) => d.length === 25), 30_000, 'all items');
    for (const key of keys) {
      const order = (await done(key)).map((d) => Number(d.split('@')[0]));
      expect(order).toEqual(Array.from({ length: 25 }, (_, n) => n));
    }
    expect(overlaps).toBe(0);
    const workers = new Set((await Promise.all(keys.map(done))).flat().map((d) => d.split('@')[1]));
    expect(workers).toEqual(new Set(['a', 'b']));
  });

  it('adds no drain job for an item pushed while its key is being drained: the drainer takes it next', async () => {
    const { q, conn } = queue();
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    q.work(conn.duplicate(), { concurrency: 4, log, handle: async (_key, item) => { seen.push(item.n); if (item.n === 1) await first; } });
    await q.push('conv', { n: 1, v: 'x' });
    await eventually(() => seen.length === 1, 5_000, 'the first item in progress');
    const added = { count: 0 };
    q.queue.on('waiting', () => added.count++);
    await q.push('conv', { n: 2, v: 'x' });
    await q.push('conv', { n: 3, v: 'x' });
    const counts = await q.queue.getJobCounts('waiting', 'delayed', 'active');
    expect(counts.waiting! + counts.delayed!).toBe(0);
    expect(added.count).toBe(0);
    release();
    await eventually(() => seen.length === 3, 5_000, 'both later items handled by the holder');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('runs at most `concurrency` handlers at once in a worker, though one drain job names many keys', async () => {
    const { q, conn } = queue();
    await Promise.all(Array.from({ length: 40 }, (_, i) => q.push(`conv-${i}`, { n: i, v: 'x' })));
    let running = 0;
    let most = 0;
    q.work(conn.duplicate(), {
      concurrency: 3, log,
      handle: async (key, item) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        await fx.redis.rpush(`${fx.prefix}:done:all`, String(item.n));
      },
    });
    await eventually(async () => (await done('all')).length === 40, 20_000);
    expect(most).toBe(3);
  });

  it('drops an item whose dedupe id was already pushed', async () => {
    const { q, conn } = queue();
    expect(await q.push('k', { n: 1, v: 'x' }, 'msg-1')).toBe(true);
    expect(await q.push('k', { n: 1, v: 'x' }, 'msg-1')).toBe(false);
    q.work(conn.duplicate(), { concurrency: 2, log, handle: async (key, item) => void (await fx.redis.rpush(`${fx.prefix}:done:${key}`, String(item.n))) });
    await eventually(async () => (await done('k')).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await done('k')).toEqual(['1']);
  });

  it('retries a failing item with backoff and keeps the items behind it waiting', async () => {
    const { q, conn } = queue(15_000, { backoffMs: 50 });
    let failures = 0;
    q.work(conn.duplicate(), {
      concurrency: 4,
      log,
      handle: async (key, item) => {
        if (item.n === 0 && failures < 2) { failures++; throw new Error('platform is down'); }
        await fx.redis.rpush(`${fx.prefix}:done:${key}`, String(item.n));
      },
    });
    await q.push('k', { n: 0, v: 'x' });
    await q.push('k', { n: 1, v: 'x' });
    await q.push('k', { n: 2, v: 'x' });
    await eventually(async () => (await done('k')).length === 3);
    expect(await done('k')).toEqual(['0', '1', '2']);
    expect(failures).toBe(2);
  });

  it('moves an item that keeps failing to the dead letters and goes on with the next one', async () => {
    const { q, conn } = queue(15_000, { backoffMs: 10, maxTries: 2 });
    const dead: number[] = [];
    q.work(conn.duplicate(), {
      concurrency: 2,
      log,
      handle: async (key, item) => {
        if (item.v === 'poison') throw new Error('always fails');
        await fx.redis.rpush(`${fx.prefix}:done:${key}`, String(item.n));
      },
      onDead: async (_key, item) => void dead.push(item.n),
    });
    await q.push('k', { n: 0, v: 'poison' });
    await q.push('k', { n: 1, v: 'x' });
    await eventually(async () => (await done('k')).length === 1);
    expect(await done('k')).toEqual(['1']);
    expect(dead).toEqual([0]);
    expect((await q.deadLetters()).map((d) => d.item.n)).toEqual([0]);
  });

  it('hands an item to another worker when the worker handling it is killed mid-item', async () => {
    const lockMs = 2_000;
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/ordered-worker-child.ts'], {
      env: { ...process.env, PREFIX: fx.prefix, LOCK_MS: String(lockMs), REDIS_URL },
      stdio: 'inherit',
    });
    fx.closers.push(async () => void child.kill('SIGKILL'));
    await eventually(async () => (await fx.redis.llen(`${fx.prefix}:ready`)) === 1, 20_000, 'child worker ready');
    const { q, conn } = queue(lockMs);
    await q.push('k', { n: 0, v: 'hang' });
    await q.push('k', { n: 1, v: 'x' });
    await eventually(async () => (await fx.redis.llen(`${fx.prefix}:hung`)) === 1, 20_000, 'child to take the item');
    child.kill('SIGKILL');
    q.work(conn.duplicate(), {
      concurrency: 2,
      log,
      handle: async (key, item) => void (await fx.redis.rpush(`${fx.prefix}:done:${key}`, `${item.n}@parent`)),
    });
    await eventually(async () => (await done('k')).length === 2, 30_000, 'items handled after the kill');
    expect(await done('k')).toEqual(['0@parent', '1@parent']);
  });
});
