import { spawn } from 'node:child_process';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../bot/errors';
import { OrderedQueue } from '../../queues/ordered-queue';
import { commitItem } from '../support/ordered-items';
import { eventually, redisClient, REDIS_URL } from '../support/redis';
import { useRedisPrefix } from '../support/redis-prefix';

/*
 * Issue 12 part 8: a drainer that stalls past its key's lock and resumes after another drainer took the
 * key over must commit, push and pop nothing; the next holder handles every item exactly once, in order.
 */

type Item = { n: number; v: string };
const log = pino({ level: 'silent' });
const fx = useRedisPrefix();

function queue(name: string, lockMs?: number) {
  const conn = redisClient();
  const q = new OrderedQueue<Item>(conn, { name, prefix: fx.prefix, log, ...(lockMs ? { lockMs } : {}) });
  fx.closers.push(async () => { await q.close(); conn.disconnect(); });
  return { q, conn };
}

const done = async (key: string) => fx.redis.lrange(`${fx.prefix}:done:${key}`, 0, -1);
const numbers = (lines: string[]) => lines.map((l) => Number(l.split('@')[0]));
const lockOf = (key: string) => `${fx.prefix}:test:lock:${key}`;
/** What a lock's expiry leaves: no lock, and its deadline (as the queue records it) in the past. */
async function expire(key: string): Promise<void> {
  await fx.redis.del(lockOf(key));
  await fx.redis.zadd(`${fx.prefix}:test:held`, 0, key);
}

describe('OrderedQueue fencing', () => {
  it.each([
    ['expires while the drainer is stalled', 'expired'],
    ['is taken by another token while the drainer is stalled', 'taken'],
  ] as const)('when the lock %s, the stale drainer commits, pushes and pops nothing; the next holder handles each item once, in order', async (_what, how) => {
    const { q, conn } = queue('test');
    // Where the handler pushes on the item's behalf (the turn worker: its replies to the outbound queue).
    const { q: outbound } = queue('out');
    let calls = 0;
    let stalled!: () => void;
    const isStalled = new Promise<void>((r) => (stalled = r));
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    const lost: number[] = [];
    let staleSettled = false;
    q.work(conn.duplicate(), {
      concurrency: 4,
      log,
      handle: async (key, item, drained) => {
        const call = ++calls;
        if (call === 1) {
          stalled();
          await resumed;
        }
        try {
          await outbound.push(key, item, `${item.n}`, drained.fence);
          await commitItem(conn, fx.prefix, key, item, drained, 'w');
        } catch (err) {
          if (err instanceof LockLostError) lost.push(item.n);
          throw err;
        } finally {
          if (call === 1) staleSettled = true;
        }
      },
    });
    for (let n = 0; n < 3; n++) await q.push('k', { n, v: 'x' });
    await isStalled;
    if (how === 'expired') {
      await expire('k');
      // The next holder takes the key while the first drainer is still stalled, and handles everything.
      await eventually(async () => (await done('k')).length === 3, 20_000, 'the next holder to handle the items');
    } else {
      await fx.redis.set(lockOf('k'), 'another-drainer');
    }
    resume();
    await eventually(() => staleSettled, 20_000, 'the stalled drainer to go on');
    if (how === 'taken') {
      // The other holder goes away without touching the items: the next drainer handles all three.
      await expire('k');
      await eventually(async () => (await done('k')).length === 3, 20_000, 'the next holder to handle the items');
    }
    await q.push('k', { n: 3, v: 'x' });
    await eventually(async () => (await done('k')).length === 4, 20_000, 'a later item');
    expect(numbers(await done('k'))).toEqual([0, 1, 2, 3]);
    expect(lost).toEqual([0]);
    // The stale drainer's push was refused (its dedupe id too, so it is not "seen" either).
    const pushed = (await fx.redis.lrange(outbound.mailboxOf('k'), 0, -1)).map((raw) => (JSON.parse(raw) as Item).n);
    expect(pushed).toEqual([0, 1, 2, 3]);
    expect(await q.pendingOf('k')).toBe(0);
    expect(JSON.parse((await fx.redis.get(`${fx.prefix}:state:last:k`))!.split('\n')[1]!)).toEqual({ n: 3, by: 'w' });
  });

  it('a worker process frozen (SIGSTOP) past its lock and resumed after another took over changes nothing: no item lost, none twice, order kept', async () => {
    const lockMs = 2_000;
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/ordered-worker-child.ts'], {
      env: { ...process.env, PREFIX: fx.prefix, LOCK_MS: String(lockMs), SLOW_MS: '300', REDIS_URL },
      stdio: 'inherit',
    });
    fx.closers.push(async () => void child.kill('SIGKILL'));
    await eventually(async () => (await fx.redis.llen(`${fx.prefix}:ready`)) === 1, 20_000, 'child worker ready');
    const { q, conn } = queue('test', lockMs);
    await q.push('k', { n: 0, v: 'slow' });
    for (let n = 1; n < 6; n++) await q.push('k', { n, v: 'x' });
    await eventually(async () => (await fx.redis.llen(`${fx.prefix}:started`)) === 1, 20_000, 'the child to start the first item');
    child.kill('SIGSTOP');
    q.work(conn.duplicate(), { concurrency: 4, log, handle: (key, item, drained) => commitItem(conn, fx.prefix, key, item, drained, 'parent') });
    await eventually(async () => (await done('k')).length === 6, 30_000, 'the parent to take the key over');
    child.kill('SIGCONT');
    await eventually(async () => (await fx.redis.llen(`${fx.prefix}:settled`)) === 1, 20_000, 'the resumed child to go on');
    // Both workers are live again: later items are handled once each, in order, by whichever.
    for (let n = 6; n < 12; n++) await q.push('k', { n, v: 'x' });
    await eventually(async () => (await done('k')).length === 12, 20_000, 'the later items (one lost?)');
    const lines = await done('k');
    expect(numbers(lines)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(lines.slice(0, 6).every((l) => l.endsWith('@parent'))).toBe(true);
    expect(await q.pendingOf('k')).toBe(0);
    expect(await fx.redis.llen(`${fx.prefix}:lost`)).toBe(1);
  });
});
