import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger';
import { uniqueId } from '../bot/unique-id';

/*
 * Read this before changing: per-key ordering across any number of worker processes.
 *
 * BullMQ's open-source edition has no per-group ordering, so each key (a conversation) gets a mailbox
 * (a Redis list). `push` appends to the mailbox and then adds a BullMQ "drain" job (one job covers every
 * key pushed in the same tick; none when the key's lock is held). For each of its keys a drain job takes
 * the key's lock; if the lock is held, the holder is bound to see the new item, because the holder
 * releases the lock only in the same Lua call that finds the mailbox empty (PEEK_LUA). The head item is removed
 * only after its handler finished, so a worker killed mid-item leaves it at the head: the lock expires,
 * BullMQ re-runs the stalled job (or the sweeper adds one) and another worker handles it again.
 * An item that fails `maxTries` times goes to the dead-letter list instead of blocking its key forever.
 */

/**
 * KEYS: seen, mbox, pending, lock. ARGV: item, seenTtlSec, dedupe('1'|'0'), key. Returns 0 if a duplicate,
 * 2 if queued while a drainer holds the key's lock (it is bound to see the item: see PEEK_LUA), 1 if queued
 * and a drain job is needed.
 */
const PUSH_LUA = `
if ARGV[3] == '1' and not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[4])
if redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
return 1`;

/**
 * KEYS: mbox, lock, tries, pending, journal, side. ARGV: token, mode, key, lockMs.
 * mode 'acquire' first takes the lock (answering 'LOCKED' if another drainer holds it); mode 'pop'
 * removes the finished head and its journal (see Drained.journal); mode 'peek' does neither.
 * Then returns {head, tries, journal|false, side|false} or, when the mailbox is empty, releases the lock (if still
 * ours) and returns nil.
 */
const PEEK_LUA = `
if ARGV[2] == 'acquire' and not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[4]) then return 'LOCKED' end
if ARGV[2] == 'pop' then redis.call('LPOP', KEYS[1]); redis.call('DEL', KEYS[3], KEYS[5]) end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
  redis.call('SREM', KEYS[4], ARGV[3])
  return nil
end
return {head, redis.call('INCR', KEYS[3]), redis.call('GET', KEYS[5]), redis.call('GET', KEYS[6])}`;

/** KEYS: lock. ARGV: token, ttlMs. Extends the lock if it is still ours; 'release' mode when ttl is 0. */
const LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** KEYS: mbox, dead, tries, journal. ARGV: key. Moves the head to the dead-letter list. */
const DEAD_LUA = `
local head = redis.call('LPOP', KEYS[1])
if head then redis.call('RPUSH', KEYS[2], cjson.encode({key = ARGV[1], item = head})) end
redis.call('DEL', KEYS[3], KEYS[4])
return head`;

/** KEYS: pending. ARGV: keyPrefix. Keys with items waiting and nobody holding their lock. */
const STRANDED_LUA = `
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('LLEN', ARGV[1] .. 'mbox:' .. key) > 0 and redis.call('EXISTS', ARGV[1] .. 'lock:' .. key) == 0 then
    table.insert(out, key)
  end
end
return out`;

export interface OrderedQueueOptions {
  /** BullMQ queue name; also part of every key. */
  name: string;
  /** Prefix of every Redis key (REDIS_PREFIX). */
  prefix: string;
  /** Connection for the BullMQ queue handle, when the command connection auto-pipelines. @defaultValue the command connection */
  bullConnection?: Redis;
  /** Per-key lock lifetime; a killed worker blocks its key at most this long. @defaultValue 15000 */
  lockMs?: number;
  /** Attempts of one item before it goes to the dead-letter list. @defaultValue 5 */
  maxTries?: number;
  /** BullMQ retries of a drain job whose handler threw (exponential backoff). @defaultValue 8 attempts, 500 ms */
  attempts?: number;
  backoffMs?: number;
  /** How long a dedupe id is remembered. @defaultValue 1 day */
  dedupeTtlSec?: number;
  /**
   * A Redis key per item key whose value the handler needs on every item (the inbound queue: whether
   * people hold the conversation), read in the same call as the item instead of one more round trip.
   */
  sideKeyOf?: (key: string) => string;
}

/**
 * What a handler gets besides its item. The journal is one Redis string per key that the handler may
 * write (e.g. "this item's effects are committed, here are its replies") and that is deleted in the
 * same step that removes the item from the mailbox; so a journal present when an item is handled was
 * written by an earlier, interrupted attempt at this same item. It is read in the call that fetches the item.
 */
export interface Drained {
  /** The journal written by an earlier attempt at this item, or null. */
  journal: string | null;
  /** Where to write the journal. */
  journalKey: string;
  /** With `sideKeyOf`: that key's value, read in the same step as the item (null when absent). */
  side?: string | null;
}

export interface WorkOptions<T> {
  concurrency: number;
  handle: (key: string, item: T, drained: Drained) => Promise<void>;
  /** Called once for an item that failed `maxTries` times, after it left the mailbox. */
  onDead?: (key: string, item: T) => Promise<void>;
  log: Logger;
}

/** A drain job names the keys whose mailboxes got items (one job for all keys pushed in the same tick). */
interface DrainJob { keys: string[] }

/** Most keys in one drain job: a job's keys are drained concurrently and retried together. */
const MAX_KEYS_PER_JOB = 64;

/** A BullMQ-driven queue that delivers items of one key in order, one at a time, across processes. */
export class OrderedQueue<T> {
  readonly queue: Queue<DrainJob>;
  private readonly keys: string;
  private readonly lockMs: number;
  private readonly maxTries: number;
  private workers: Worker<DrainJob>[] = [];
  private sweeper?: NodeJS.Timeout;
  private suspects = new Set<string>();
  /** Keys pushed in this tick, waiting for their shared drain job (see scheduleDrain). */
  private unscheduled: { keys: Set<string>; added: Promise<unknown> } | undefined;

  constructor(private readonly redis: Redis, private readonly options: OrderedQueueOptions) {
    this.keys = `${options.prefix}:${options.name}:`;
    this.lockMs = options.lockMs ?? 15_000;
    this.maxTries = options.maxTries ?? 5;
    this.queue = new Queue<DrainJob>(options.name, {
      connection: options.bullConnection ?? redis,
      prefix: `${options.prefix}:bull`,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: { age: 7 * 86_400 },
        attempts: options.attempts ?? 8,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 500 },
      },
    });
    redis.defineCommand('oqPush', { numberOfKeys: 4, lua: PUSH_LUA });
    redis.defineCommand('oqPeek', { numberOfKeys: 6, lua: PEEK_LUA });
    redis.defineCommand('oqLock', { numberOfKeys: 1, lua: LOCK_LUA });
    redis.defineCommand('oqDead', { numberOfKeys: 4, lua: DEAD_LUA });
    redis.defineCommand('oqStranded', { numberOfKeys: 1, lua: STRANDED_LUA });
  }

  /**
   * Appends `item` to `key`'s mailbox and schedules a drain. With `dedupeId`, an id seen before
   * (within dedupeTtlSec) is dropped and `false` is returned.
   */
  async push(key: string, item: T, dedupeId?: string): Promise<boolean> {
    const seen = dedupeId === undefined ? `${this.keys}seen:-` : `${this.keys}seen:${dedupeId}`;
    const queued = await this.redis.oqPush(
      seen, `${this.keys}mbox:${key}`, `${this.keys}pending`, `${this.keys}lock:${key}`,
      JSON.stringify(item), String(this.options.dedupeTtlSec ?? 86_400), dedupeId === undefined ? '0' : '1', key,
    );
    if (queued === 0) return false;
    // A message that arrives while its conversation's previous one is still being handled needs no job of
    // its own (a whole BullMQ add, fetch and completion): the drainer holding the lock takes it next. If that
    // drainer dies, its stalled job is run again (or the sweeper adds one) and covers this item too.
    if (queued === 1) await this.scheduleDrain(key);
    return true;
  }

  /**
   * One BullMQ job per tick instead of one per item: under load a web process pushes dozens of items per
   * tick, and a job's add, fetch and completion are most of a queue's Redis work. The promise settles
   * when the job that covers `key` is in Redis.
   */
  private scheduleDrain(key: string): Promise<unknown> {
    let batch = this.unscheduled;
    if (!batch || batch.keys.size >= MAX_KEYS_PER_JOB) {
      const keys = new Set<string>();
      const added = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (this.unscheduled?.keys === keys) this.unscheduled = undefined;
        return this.queue.add('drain', { keys: [...keys] });
      });
      batch = this.unscheduled = { keys, added };
    }
    batch.keys.add(key);
    return batch.added;
  }

  /** Items waiting in one key's mailbox (the head may be in progress). */
  pendingOf(key: string): Promise<number> {
    return this.redis.llen(this.mailboxOf(key));
  }

  /** The Redis list holding `key`'s waiting items (for scripts that must check it atomically). */
  mailboxOf(key: string): string {
    return `${this.keys}mbox:${key}`;
  }

  /** Items that failed `maxTries` times, oldest first. */
  async deadLetters(): Promise<Array<{ key: string; item: T }>> {
    const raw = await this.redis.lrange(`${this.keys}dead`, 0, -1);
    return raw.map((r) => {
      const { key, item } = JSON.parse(r) as { key: string; item: string };
      return { key, item: JSON.parse(item) as T };
    });
  }

  /** Starts a worker in this process. `connection` must be a dedicated connection (BullMQ blocks on it). */
  work(connection: Redis, opts: WorkOptions<T>): Worker<DrainJob> {
    const worker = new Worker<DrainJob>(this.options.name, (job) => this.drain(job, opts), {
      connection,
      prefix: `${this.options.prefix}:bull`,
      concurrency: opts.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(1_000, Math.floor(this.lockMs / 3)),
      maxStalledCount: 50,
    });
    worker.on('error', (err) => opts.log.error({ err, queue: this.options.name }, 'queue worker error'));
    this.workers.push(worker);
    // Safety net for an item whose drain job was lost (a process died between push's two steps).
    this.sweeper ??= setInterval(() => void this.sweep(opts.log), Math.max(2_000, this.lockMs));
    this.sweeper.unref();
    return worker;
  }

  private async sweep(log: Logger): Promise<void> {
    try {
      // A key counts as stranded only if it looked stranded on two sweeps in a row: under load, many
      // keys are briefly unlocked with their drain job still waiting in the queue.
      const now = new Set((await this.redis.oqStranded(`${this.keys}pending`, this.keys)) as string[]);
      const stranded = [...now].filter((k) => this.suspects.has(k));
      this.suspects = now;
      for (let i = 0; i < stranded.length; i += MAX_KEYS_PER_JOB) await this.queue.add('drain', { keys: stranded.slice(i, i + MAX_KEYS_PER_JOB) });
    } catch (err) {
      log.error({ err, queue: this.options.name }, 'sweep for stranded items failed');
    }
  }

  /** Drains every key of the job concurrently; the job fails (and BullMQ retries it) if any key failed. */
  private async drain(job: Job<DrainJob>, opts: WorkOptions<T>): Promise<void> {
    const results = await Promise.allSettled(job.data.keys.map((key) => this.drainKey(key, opts)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async drainKey(key: string, opts: WorkOptions<T>): Promise<void> {
    const lock = `${this.keys}lock:${key}`;
    const token = uniqueId();
    const journalKey = `${this.keys}journal:${key}`;
    // The side key is read with the item (no extra round trip); without `sideKeyOf` it is the journal again.
    const side = this.options.sideKeyOf?.(key) ?? journalKey;
    const keys = [this.mailboxOf(key), lock, `${this.keys}tries:${key}`, `${this.keys}pending`, journalKey, side] as const;
    const lockMs = String(this.lockMs);
    type Head = [string, number, string | null, string | null];
    let next = (await this.redis.oqPeek(...keys, token, 'acquire', key, lockMs)) as Head | 'LOCKED' | null;
    if (next === 'LOCKED') return; // the holder drains our item
    const renew = setInterval(() => void this.redis.oqLock(lock, token, String(this.lockMs)).catch(() => undefined), this.lockMs / 3);
    try {
      while (next) {
        const [raw, tries, journal, sideValue] = next;
        const item = JSON.parse(raw) as T;
        const dead = tries > this.maxTries;
        if (dead) {
          await this.redis.oqDead(keys[0], `${this.keys}dead`, keys[2], journalKey, key);
          opts.log.error({ queue: this.options.name, key, tries }, 'item failed too many times: moved to dead letters');
          await opts.onDead?.(key, item);
        } else {
          await opts.handle(key, item, { journal: journal || null, journalKey, ...(this.options.sideKeyOf ? { side: sideValue || null } : {}) });
        }
        next = (await this.redis.oqPeek(...keys, token, dead ? 'peek' : 'pop', key, lockMs)) as Head | null;
      }
    } catch (err) {
      // Leave the head in place for the retry (BullMQ backoff) and let other drains proceed meanwhile.
      await this.redis.oqLock(lock, token, '0');
      throw err;
    } finally {
      clearInterval(renew);
    }
  }

  /** Stops local workers (finishing in-flight items) and the queue handle. Safe to call twice. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
    await this.queue.close();
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    oqPush(...args: string[]): Promise<number>;
    oqPeek(...args: string[]): Promise<unknown>;
    oqLock(...args: string[]): Promise<number>;
    oqDead(...args: string[]): Promise<string | null>;
    oqStranded(...args: string[]): Promise<unknown>;
  }
}
