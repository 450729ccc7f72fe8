import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import pLimit, { type LimitFunction } from 'p-limit';
import { logErrorEvents } from '../bot/error-events';
import { LockLostError } from '../bot/errors';
import { ReplicaWait, type ReplicaWaitOptions } from '../bot/replica-wait';
import type { Fence } from '../bot/fence';
import { createLogger, type Logger } from '../bot/logger';
import { uniqueId } from '../bot/unique-id';
import { luaScript } from '../bot/lua';

/*
 * Read this before changing: per-key ordering across any number of worker processes.
 *
 * BullMQ's open-source edition has no per-group ordering, so each key (a conversation) gets a mailbox
 * (a Redis list). `push` appends to the mailbox and then adds a BullMQ "drain" job (one job covers every
 * key pushed in the same tick; none when the key's lock is held). For each of its keys a drain job takes
 * the key's lock; if the lock is held, the holder is bound to see the new item, because the holder
 * releases the lock only in the same Lua call that finds the mailbox empty (PEEK_LUA). The head item is removed
 * only after its handler finished, so a worker killed mid-item leaves it at the head: its lock lapses
 * (lockMs after the last renewal), the lapse sweep (LAPSED_LUA, every process that works the queue) adds a
 * drain job for the key, and another worker handles the item again.
 * An item that fails `maxTries` times goes to the dead-letter list instead of blocking its key forever.
 *
 * Fencing (issue 12 part 8): a holder can also stall (GC or VM pause, CPU throttling, commands waiting in
 * ioredis's offline queue during a network cut) past its lock's expiry and resume while another worker
 * holds the key. So every step that changes the key's data is conditional on the lock still holding this
 * drainer's token, checked inside the same Lua call: the pop (PEEK_LUA), the dead-lettering (DEAD_LUA), a
 * push made on the item's behalf (PUSH_LUA with a fence) and the handler's own commit (Drained.fence, e.g.
 * RedisStorage.commitJson). A drainer that finds its lock gone stops draining that key at once and
 * changes nothing more: the new holder handles the head item (exactly once, because the stale drainer
 * neither committed nor popped it).
 */


/**
 * KEYS: seen, mbox, pending, lock, fence lock. ARGV: item, seenTtlSec, dedupe('1'|'0'), key, fence token
 * ('' = no fence). Returns -1 (and changes nothing) if the fence's lock no longer holds its token, 0 if a
 * duplicate, 2 if queued while a drainer holds the key's lock (it is bound to see the item: see PEEK_LUA),
 * 1 if queued and a drain job is needed.
 */
const PUSH_LUA = luaScript('queues/lua/ordered-queue/push.lua');

/**
 * KEYS: mbox, lock, tries, pending, journal, side, held. ARGV: token, mode, key, lockMs.
 * mode 'acquire' takes the lock (answering 'LOCKED' if another drainer holds it); modes 'pop' and 'peek'
 * answer 'LOST' unless the lock still holds `token`, and 'pop' removes the finished head and its journal
 * (see Drained.journal). Then returns {head, tries, journal|false, side|false} or, when the mailbox is
 * empty, releases the lock and returns nil. `held` (a sorted set) has each locked key with its lock's
 * deadline (set here, moved by every renewal, LOCK_LUA), so a lock that lapses (its holder died or
 * stalled) is found without a scan (LAPSED_LUA).
 */
const PEEK_LUA = luaScript('queues/lua/now-ms.lua', 'queues/lua/ordered-queue/peek.lua');

/** KEYS: lock, held. ARGV: token, ttlMs, key. Extends the lock if it is still ours (1; 0 if not); releases it when ttl is 0. */
const LOCK_LUA = luaScript('queues/lua/now-ms.lua', 'queues/lua/ordered-queue/lock.lua');

/** KEYS: mbox, dead, tries, journal, lock. ARGV: key, token. Moves the head to the dead-letter list (1), unless the lock is no longer ours (0). */
const DEAD_LUA = luaScript('queues/lua/ordered-queue/dead.lua');

/**
 * KEYS: held. ARGV: keyPrefix, max. Keys whose lock lapsed (its deadline passed without a renewal or a
 * release) with items still waiting and nobody holding the lock now. Each key is taken off `held` as it
 * is answered, so one process (of all that sweep) adds its drain job.
 */
const LAPSED_LUA = luaScript('queues/lua/now-ms.lua', 'queues/lua/ordered-queue/lapsed.lua');

/** KEYS: pending. ARGV: keyPrefix. Keys with items waiting and nobody holding their lock. */
const STRANDED_LUA = luaScript('queues/lua/ordered-queue/stranded.lua');

export interface OrderedQueueOptions {
  /** BullMQ queue name; also part of every key. */
  name: string;
  /** Prefix of every Redis key (REDIS_PREFIX). */
  prefix: string;
  /** Connection for the BullMQ queue handle, when the command connection auto-pipelines. @defaultValue the command connection */
  bullConnection?: Redis;
  /**
   * Per-key lock lifetime. The holder renews it every quarter of it, so only a dead or frozen holder lets
   * it lapse; its key is drained again about this long after the holder's last renewal (see LAPSED_LUA).
   * @defaultValue 4000
   */
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
  /** Where the BullMQ queue's `error` events go (one line per 10 s). @defaultValue a stdout logger at warn level */
  log?: Logger;
  /**
   * A push without a fence and with a dedupe id (what the channels' ingest does) resolves only once
   * replicas have the item (see bot/replica-wait), so that an item acknowledged to its sender survives a
   * failover. Unset: a push resolves when the master has it.
   */
  replicas?: Omit<ReplicaWaitOptions, 'log'>;
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
  /** Which attempt at this item this is: 1 the first time, more after failures (dead-lettered past `maxTries`). */
  tries: number;
  /** Where to write the journal. */
  journalKey: string;
  /** With `sideKeyOf`: that key's value, read in the same step as the item (null when absent). */
  side?: string | null;
  /**
   * The key's lock as this drainer holds it. Whatever the handler writes for the item must be conditional
   * on it, in the same Redis call (RedisStorage.commitJson, OrderedQueue.push): a write refused there
   * throws LockLostError, and the handler should let it through.
   */
  fence: Fence;
  /** False once this drainer knows it lost the key's lock (a renewal found it gone): send and write nothing more. */
  holds(): boolean;
}

export interface WorkOptions<T> {
  /**
   * Most keys this process drains at once, whatever jobs they came in: a drain job holds up to 64 keys,
   * so BullMQ's own job concurrency alone would let concurrency × 64 handlers run.
   */
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

/** How often a process that works the queue looks for lapsed locks (LAPSED_LUA): a small part of the recovery time. */
const LAPSE_SWEEP_MS = 500;

/**
 * How often it looks for items with no lock and no drain job (STRANDED_LUA, a read of every pending key):
 * only a process dying between push's two steps leaves those, so this safety net can be slow.
 */
const STRANDED_SWEEP_MS = 10_000;

/** Stdout logger for a queue whose owner gave none (its `error` events must not reach stderr raw). */
let fallbackLog: Logger | undefined;

/** A BullMQ-driven queue that delivers items of one key in order, one at a time, across processes. */
export class OrderedQueue<T> {
  readonly queue: Queue<DrainJob>;
  private readonly keys: string;
  private readonly lockMs: number;
  private readonly maxTries: number;
  private workers: Worker<DrainJob>[] = [];
  private sweeper?: NodeJS.Timeout;
  private lapseSweeper?: NodeJS.Timeout;
  private suspects = new Set<string>();
  /** Keys pushed in this tick, waiting for their shared drain job (see scheduleDrain). */
  private unscheduled: { keys: Set<string>; added: Promise<unknown> } | undefined;
  private readonly replicaWait: ReplicaWait | undefined;

  constructor(private readonly redis: Redis, private readonly options: OrderedQueueOptions) {
    this.keys = `${options.prefix}:${options.name}:`;
    this.lockMs = options.lockMs ?? 4_000;
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
    // BullMQ prints an `error` event nobody listens to raw on stderr (a Redis outage: one per reconnect attempt).
    const log = options.log ?? (fallbackLog ??= createLogger('warn', { module: 'queues/ordered-queue' }));
    logErrorEvents(this.queue, `queue ${options.name}`, log);
    if (options.replicas) this.replicaWait = new ReplicaWait(redis, { ...options.replicas, log });
    redis.defineCommand('oqPush', { numberOfKeys: 5, lua: PUSH_LUA });
    redis.defineCommand('oqPeek', { numberOfKeys: 7, lua: PEEK_LUA });
    redis.defineCommand('oqLock', { numberOfKeys: 2, lua: LOCK_LUA });
    redis.defineCommand('oqDead', { numberOfKeys: 5, lua: DEAD_LUA });
    redis.defineCommand('oqLapsed', { numberOfKeys: 1, lua: LAPSED_LUA });
    redis.defineCommand('oqStranded', { numberOfKeys: 1, lua: STRANDED_LUA });
  }

  /**
   * Appends `item` to `key`'s mailbox and schedules a drain. With `dedupeId`, an id seen before
   * (within dedupeTtlSec) is dropped and `false` is returned. With `fence` (a drainer pushing on behalf of
   * its item, see Drained.fence), nothing is pushed and LockLostError is thrown if that lock is lost.
   */
  async push(key: string, item: T, dedupeId?: string, fence?: Fence): Promise<boolean> {
    // Made again after a failover (see ReplicaWait): safe with a dedupe id, which drops the second copy. A drain
    // job (BullMQ's connection) lost with the old master is made up for by the stranded sweep (STRANDED_SWEEP_MS).
    if (this.replicaWait && dedupeId !== undefined && !fence) return this.replicaWait.durably(() => this.pushOnce(key, item, dedupeId));
    return this.pushOnce(key, item, dedupeId, fence);
  }

  private async pushOnce(key: string, item: T, dedupeId?: string, fence?: Fence): Promise<boolean> {
    const seen = dedupeId === undefined ? `${this.keys}seen:-` : `${this.keys}seen:${dedupeId}`;
    const lock = `${this.keys}lock:${key}`;
    const queued = await this.redis.oqPush(
      seen, `${this.keys}mbox:${key}`, `${this.keys}pending`, lock, fence?.key ?? lock,
      JSON.stringify(item), String(this.options.dedupeTtlSec ?? 86_400), dedupeId === undefined ? '0' : '1', key, fence?.token ?? '',
    );
    if (queued === -1) throw new LockLostError(`${this.options.name}: lock ${fence?.key} was lost: nothing pushed`);
    if (queued === 0) return false;
    // A message that arrives while its conversation's previous one is still being handled needs no job of
    // its own (a whole BullMQ add, fetch and completion): the drainer holding the lock takes it next. If that
    // drainer dies or stalls, its lock lapses and the lapse sweep adds a job that covers this item too.
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
    const draining = pLimit(opts.concurrency);
    const worker = new Worker<DrainJob>(this.options.name, (job) => this.drain(job, opts, draining), {
      connection,
      prefix: `${this.options.prefix}:bull`,
      concurrency: opts.concurrency,
      // A frozen or dead worker's drain job is run again about as soon as its keys' locks lapse; the lapse
      // sweep below usually gets there first, and a re-run finds the keys locked by their new holder or empty.
      lockDuration: this.lockMs,
      stalledInterval: Math.max(1_000, Math.floor(this.lockMs / 3)),
      maxStalledCount: 50,
    });
    logErrorEvents(worker, `worker ${this.options.name}`, opts.log);
    this.workers.push(worker);
    this.lapseSweeper ??= setInterval(() => void this.sweepLapsed(opts.log), Math.min(LAPSE_SWEEP_MS, this.lockMs / 4));
    this.lapseSweeper.unref();
    // Safety net for an item whose drain job was lost (a process died between push's two steps).
    this.sweeper ??= setInterval(() => void this.sweep(opts.log), STRANDED_SWEEP_MS);
    this.sweeper.unref();
    return worker;
  }

  /** Re-drains the keys whose holder let the lock lapse (died or froze), ahead of other waiting drains. */
  private async sweepLapsed(log: Logger): Promise<void> {
    try {
      const lapsed = (await this.redis.oqLapsed(`${this.keys}held`, this.keys, String(MAX_KEYS_PER_JOB))) as string[];
      if (lapsed.length === 0) return;
      log.warn({ queue: this.options.name, keys: lapsed.length }, 'locks lapsed (a worker died or froze): draining their keys again');
      await this.queue.add('drain', { keys: lapsed }, { lifo: true });
    } catch (err) {
      log.error({ err, queue: this.options.name }, 'sweep for lapsed locks failed');
    }
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

  /**
   * Drains the job's keys, at most `opts.concurrency` keys at once across this worker's jobs (`draining`);
   * the job fails (and BullMQ retries it) if any key failed.
   */
  private async drain(job: Job<DrainJob>, opts: WorkOptions<T>, draining: LimitFunction): Promise<void> {
    const results = await Promise.allSettled(job.data.keys.map((key) => draining(() => this.drainKey(key, opts))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Handles `key`'s items in order while this drainer holds the key's lock. Every step that changes the
   * key's data is fenced by the lock (see the note at the top): once the lock is found lost (a renewal
   * answers 0, a fenced step answers LOST or throws LockLostError) the drainer stops at once, leaving the
   * head to the lock's new holder.
   */
  private async drainKey(key: string, opts: WorkOptions<T>): Promise<void> {
    const fence: Fence = { key: `${this.keys}lock:${key}`, token: uniqueId() };
    const held = `${this.keys}held`;
    const journalKey = `${this.keys}journal:${key}`;
    // The side key is read with the item (no extra round trip); without `sideKeyOf` it is the journal again.
    const side = this.options.sideKeyOf?.(key) ?? journalKey;
    const keys = [this.mailboxOf(key), fence.key, `${this.keys}tries:${key}`, `${this.keys}pending`, journalKey, side, held] as const;
    const lockMs = String(this.lockMs);
    type Head = [string, number, string | null, string | null];
    type Peeked = Head | 'LOCKED' | 'LOST' | null;
    const peek = async (mode: 'acquire' | 'pop' | 'peek') => (await this.redis.oqPeek(...keys, fence.token, mode, key, lockMs)) as Peeked;
    let next: Peeked = await peek('acquire');
    if (next === 'LOCKED') return; // the holder drains our item
    let lost = false;
    // A renewal that finds another token (or none) means a stall outlived the lock; a failed call (Redis
    // unreachable) proves nothing, and the fenced steps decide then.
    const renew = setInterval(() => {
      this.redis.oqLock(fence.key, held, fence.token, lockMs, key).then((ok) => void (lost ||= ok === 0), () => undefined);
    }, this.lockMs / 4);
    const holds = () => !lost;
    try {
      while (Array.isArray(next)) {
        const [raw, tries, journal, sideValue]: Head = next;
        const item = JSON.parse(raw) as T;
        const dead: boolean = tries > this.maxTries;
        if (dead) {
          if ((await this.redis.oqDead(keys[0], `${this.keys}dead`, keys[2], journalKey, fence.key, key, fence.token)) === 0) throw new LockLostError('dead-lettering refused');
          opts.log.error({ queue: this.options.name, key, tries }, 'item failed too many times: moved to dead letters');
          await opts.onDead?.(key, item);
        } else {
          await opts.handle(key, item, { journal: journal || null, tries, journalKey, fence, holds, ...(this.options.sideKeyOf ? { side: sideValue || null } : {}) });
        }
        next = lost ? 'LOST' : await peek(dead ? 'peek' : 'pop');
      }
      if (next === 'LOST') this.stopDraining(key, opts.log);
    } catch (err) {
      if (err instanceof LockLostError) return this.stopDraining(key, opts.log);
      // Leave the head in place for the retry (BullMQ backoff) and let other drains proceed meanwhile.
      await this.redis.oqLock(fence.key, held, fence.token, '0', key);
      throw err;
    } finally {
      clearInterval(renew);
    }
  }

  private stopDraining(key: string, log: Logger): void {
    log.warn({ queue: this.options.name, key }, 'lost the lock of a key (this worker stalled past it): its item is left to the new holder, unchanged');
  }

  /** Stops local workers (finishing in-flight items) and the queue handle. Safe to call twice. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.lapseSweeper) clearInterval(this.lapseSweeper);
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
    oqDead(...args: string[]): Promise<number>;
    oqLapsed(...args: string[]): Promise<unknown>;
    oqStranded(...args: string[]): Promise<unknown>;
  }
}
