import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger';
import { uniqueId } from '../bot/unique-id';
import type { TranscriptEntry } from '../bot/sql/history-store';
import { luaScript } from '../bot/lua';

/*
 * Read this before changing: how a turn's transcript lines reach SQL.
 *
 * A turn does not write SQL. Its lines (the citizen's message and the bot's replies) are appended to one
 * Redis list in the SAME Lua call that commits the turn's state and journal (RedisStorage.commitJson), so
 * they exist exactly when the turn's effects do, and a worker killed at any instruction loses none.
 * A flusher (any process) then moves them to SQL in batches: it takes the flush lock, reads the head of
 * the list, records the lines (idempotent: a line already recorded is ignored), and trims exactly what
 * it read. Dying between the SQL write and the trim only makes the next flusher record them again.
 *
 * Why: one SQLite transaction per turn was ~160 µs of the worker's CPU and a PostgreSQL round trip per
 * turn; a batch of fifty costs about the same as one. Readers that must see every committed line (the
 * agent console's transcript) call `flush()` first.
 */

/** KEYS: lock, list. ARGV: token, lockMs, max. false when another flusher holds the lock; else the head (lock kept only if non-empty). */
const CLAIM_LUA = luaScript('queues/lua/transcript-outbox/claim.lua');

/** KEYS: lock, list. ARGV: token, count. Trims what the holder recorded and releases the lock (only if still ours). */
const ACK_LUA = luaScript('queues/lua/transcript-outbox/ack.lua');

/** KEYS: lock. ARGV: token. Releases the lock after a failed write (the lines stay for the next flush). */
const RELEASE_LUA = luaScript('queues/lua/transcript-outbox/release.lua');

export interface TranscriptOutboxOptions {
  /**
   * How long after a turn its lines are flushed; they are batched meanwhile (on SQLite a batch of 140
   * messages costs a third less per message than one of 35). @defaultValue 200
   */
  flushMs?: number;
  /** Lines per SQL batch. @defaultValue 500 */
  maxBatch?: number;
  /** A flusher that died keeps the lock at most this long. @defaultValue 30000 */
  lockMs?: number;
  /** How often a process looks for lines another (dead) process left behind. @defaultValue 5000 */
  sweepMs?: number;
  /** Called after each batch is in SQL (the console's live list reads it there); its failure is only logged. */
  onRecorded?: () => Promise<void>;
}

/** The Redis list between turns and the SQL transcript, and its flusher. */
export class TranscriptOutbox {
  /** The list a turn's commit appends to (see RedisStorage.commitJson `append`). */
  readonly key: string;
  private readonly lock: string;
  /** Lines the database refused while it accepted others (kept for a person to look at). */
  readonly deadKey: string;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly lockMs: number;
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** The last drain of this process (settles, never rejects). */
  private running: Promise<void> | undefined;
  /** A drain queued behind `running` that has not started yet. */
  private waiting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly history: { recordMessages(lines: readonly TranscriptEntry[]): Promise<void>; ping(): Promise<void> },
    private readonly log: Logger,
    private readonly options: TranscriptOutboxOptions = {},
  ) {
    this.key = `${prefix}:transcript:outbox`;
    this.lock = `${prefix}:transcript:flush-lock`;
    this.deadKey = `${prefix}:transcript:dead`;
    this.flushMs = options.flushMs ?? 200;
    this.maxBatch = options.maxBatch ?? 500;
    this.lockMs = options.lockMs ?? 30_000;
    redis.defineCommand('outboxClaim', { numberOfKeys: 2, lua: CLAIM_LUA });
    redis.defineCommand('outboxAck', { numberOfKeys: 2, lua: ACK_LUA });
    redis.defineCommand('outboxRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
  }

  /** The list entries for `lines`, to append in a turn's commit. */
  encode(lines: readonly TranscriptEntry[]): string[] {
    return lines.map((l) => JSON.stringify(l));
  }

  /** A turn appended lines: flush them within `flushMs`, together with whatever else arrives meanwhile. */
  nudge(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) => this.log.warn({ err }, 'transcript flush failed: the lines stay in Redis for the next one'));
    }, this.flushMs);
  }

  /** Looks for lines left by processes that stopped before flushing (every `sweepMs`). */
  start(): void {
    this.sweeper ??= setInterval(() => {
      void this.redis.llen(this.key).then((n) => (n > 0 ? this.flush() : undefined)).catch((err: unknown) => this.log.warn({ err }, 'transcript sweep failed'));
    }, this.options.sweepMs ?? 5_000);
    this.sweeper.unref();
  }

  /**
   * Records in SQL every line committed before this call. Waits for a flush another process is running.
   * Rejects when the database (or Redis) fails; the lines stay in the list.
   */
  flush(): Promise<void> {
    // Flushes of one process run one after another. A caller needs a drain that starts after its call: a
    // drain already waiting to start is one, so concurrent callers (agents opening conversations) share it.
    if (this.waiting) return this.waiting;
    const run = (this.running ?? Promise.resolve()).then(() => {
      this.waiting = undefined;
      return this.drain();
    });
    this.waiting = run;
    // `running` never rejects; each caller gets its drain's own outcome.
    const settled = run.then(() => undefined, () => undefined);
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = undefined;
    });
    return run;
  }

  private async drain(): Promise<void> {
    const token = uniqueId();
    const until = Date.now() + this.lockMs;
    for (;;) {
      const head = (await this.redis.outboxClaim(this.lock, this.key, token, String(this.lockMs), String(this.maxBatch))) as string[] | null;
      if (head === null) {
        // Another process is flushing: what we must see is either in its batch or after it.
        if (Date.now() > until) throw new Error('transcript flush lock held too long');
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if (head.length === 0) return;
      try {
        await this.history.recordMessages(head.map(decode));
      } catch (err) {
        // One line the database refuses must not stop every transcript behind it; an outage must not cost
        // a failed insert per line, so the lines are tried one by one only when the database answers.
        const refused = head.length > 1 && (await this.history.ping().then(() => true, () => false)) ? await this.recordOneByOne(head) : undefined;
        if (!refused) {
          await this.redis.outboxRelease(this.lock, token).catch(() => undefined);
          throw err;
        }
        if (refused.length > 0) {
          this.log.error({ err, lines: refused.length }, 'transcript lines the database refuses: kept in the outbox dead letters');
          await this.redis.rpush(this.deadKey, ...refused);
        }
      }
      await this.redis.outboxAck(this.lock, this.key, token, String(head.length));
      await this.options.onRecorded?.().catch((err: unknown) => this.log.warn({ err }, 'transcript recorded, not announced'));
      if (head.length < this.maxBatch) return;
    }
  }

  /**
   * After a batch failed: records its lines one at a time. Returns the lines still refused when others
   * went in (the database is up: those lines are the problem), or undefined when none did (it is down).
   */
  private async recordOneByOne(head: string[]): Promise<string[] | undefined> {
    const refused: string[] = [];
    for (const raw of head) await this.history.recordMessages([decode(raw)]).catch(() => refused.push(raw));
    return refused.length < head.length ? refused : undefined;
  }

  /** Stops the timers and flushes what this process nudged. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.flush().catch((err: unknown) => this.log.warn({ err }, 'transcript flush at close failed: the lines stay in Redis'));
    }
    await this.running;
  }
}

function decode(raw: string): TranscriptEntry {
  const line = JSON.parse(raw) as TranscriptEntry & { at: string };
  return { ...line, at: new Date(line.at) };
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    outboxClaim(...args: string[]): Promise<string[] | null>;
    outboxAck(...args: string[]): Promise<number>;
    outboxRelease(...args: string[]): Promise<number>;
  }
}
