import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';

/**
 * How long an idle conversation (its stream, meta and sequence) is kept. Refreshed on every activity.
 * Weeks, not hours: a ticket's status change may be pushed to the citizen long after they last wrote.
 */
export const CONVERSATION_TTL_S = 30 * 24 * 3_600;
/** Approximate cap on activities kept per conversation (XADD MAXLEN ~). */
export const STREAM_MAXLEN = 5_000;
/** How long a `channelData.clientActivityID` is remembered for dedupe. */
const CLIENT_ACTIVITY_TTL_S = 24 * 3_600;

const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const WATERMARK = /^\d{1,20}-\d{1,20}$/;

export const isConversationId = (s: string): boolean => CONVERSATION_ID.test(s);
/** Watermarks are Redis stream entry ids (`<ms>-<seq>`); empty means "from the start". */
export const isWatermark = (s: string): boolean => WATERMARK.test(s);
export const newConversationId = (): string => randomBytes(16).toString('base64url');

export interface ConversationMeta {
  conversationId: string;
  userId: string;
  locale?: string;
  greeted: boolean;
}

/** A page of a conversation's activities; `watermark` is the last entry's id, or the one asked for when nothing is newer. */
export interface ActivityPage {
  activities: Partial<Activity>[];
  watermark: string | undefined;
}

/** Where a `clientActivityID` stands: just reserved, echoed into the stream, or handed to ingest. */
export type ClientActivityState = 'reserved' | 'echoed' | 'ingested';

/**
 * The Redis side of Direct Line conversations. Every key starts with `${prefix}:dl:`:
 * - `…:dl:<conv>` — STREAM of activities (user echoes and bot replies); the entry id is the watermark.
 *   The same name is the pub/sub channel notified after each append.
 * - `…:dl:<conv>:meta` — HASH `user`, `locale`, `greeted`, `seq` (activity id sequence).
 * - `…:dl:<conv>:cid:<clientActivityID>` — STRING `<activityId> <state>`, dedupe of client retries.
 * - `…:dl:<conv>:sent:<id>` — STRING, marks a batch of bot replies as appended (idempotent sends).
 */
/** KEYS: stream, meta, sent marker. ARGV: maxlen, ttlSec, markerTtlSec, activity JSON… */
const APPEND_ONCE_LUA = `
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) then return 0 end
for i = 4, #ARGV do redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'a', ARGV[i]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', KEYS[1], '1')
return 1`;

export class ConversationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('dlAppendOnce', { numberOfKeys: 3, lua: APPEND_ONCE_LUA });
  }

  /**
   * Appends the bot's replies unless a batch with the same `batchId` was appended before — in the same
   * atomic step, so a worker re-delivering a turn's replies after a crash never shows them twice.
   * Returns false for a repeated batch.
   */
  async appendOnce(conversationId: string, activities: Partial<Activity>[], batchId: string): Promise<boolean> {
    const stream = this.channelOf(conversationId);
    const appended = await this.redis.dlAppendOnce(
      stream, this.metaKey(conversationId), `${stream}:sent:${batchId}`,
      // A re-delivery happens within minutes of the crash (the lock time), so the marker need not live long.
      String(STREAM_MAXLEN), String(CONVERSATION_TTL_S), '3600', ...activities.map((a) => JSON.stringify(a)),
    );
    return appended === 1;
  }

  /** The pub/sub channel (and stream key) of one conversation. */
  channelOf(conversationId: string): string {
    return `${this.prefix}:dl:${conversationId}`;
  }

  private metaKey(conversationId: string): string {
    return `${this.prefix}:dl:${conversationId}:meta`;
  }

  private clientKey(conversationId: string, clientActivityId: string): string {
    return `${this.prefix}:dl:${conversationId}:cid:${clientActivityId}`;
  }

  /** Creates the conversation unless it exists. Returns whether it was created now. */
  async create(conversationId: string, userId: string, locale: string | undefined): Promise<boolean> {
    const key = this.metaKey(conversationId);
    const multi = this.redis.multi().hsetnx(key, 'user', userId);
    if (locale) multi.hsetnx(key, 'locale', locale);
    multi.expire(key, CONVERSATION_TTL_S);
    const results = await execOrThrow(multi);
    return results[0] === 1;
  }

  async get(conversationId: string): Promise<ConversationMeta | undefined> {
    const h = await this.redis.hgetall(this.metaKey(conversationId));
    // A hash without `user` is not a conversation (e.g. a sequence bumped after expiry).
    if (!h.user) return undefined;
    return { conversationId, userId: h.user, ...(h.locale ? { locale: h.locale } : {}), greeted: h.greeted === '1' };
  }

  async markGreeted(conversationId: string): Promise<void> {
    await this.redis.hset(this.metaKey(conversationId), 'greeted', '1');
  }

  /** Allocates `n` Direct Line activity ids (`<conv>|0000001`, …), in order. */
  async nextIds(conversationId: string, n: number): Promise<string[]> {
    const last = await this.redis.hincrby(this.metaKey(conversationId), 'seq', n);
    return Array.from({ length: n }, (_, i) => `${conversationId}|${String(last - n + 1 + i).padStart(7, '0')}`);
  }

  /**
   * Appends activities (ids and timestamps already set) and notifies followers, in one MULTI:
   * a follower woken by the PUBLISH always finds the entries. Returns the new watermark.
   * When `clientActivityId` is given, its dedupe record moves to `echoed` in the same transaction.
   */
  async append(conversationId: string, activities: Partial<Activity>[], clientActivityId?: string): Promise<string> {
    const stream = this.channelOf(conversationId);
    const multi = this.redis.multi();
    for (const a of activities) multi.xadd(stream, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'a', JSON.stringify(a));
    multi.expire(stream, CONVERSATION_TTL_S).expire(this.metaKey(conversationId), CONVERSATION_TTL_S);
    if (clientActivityId !== undefined) {
      multi.set(this.clientKey(conversationId, clientActivityId), `${activities[0]?.id ?? ''} echoed`, 'KEEPTTL');
    }
    multi.publish(stream, '1');
    const results = await execOrThrow(multi);
    return String(results[activities.length - 1]);
  }

  /** Activities after `watermark` (exclusive), oldest first, at most `count`. */
  async read(conversationId: string, watermark: string | undefined, count: number): Promise<ActivityPage> {
    const start = watermark ? `(${watermark}` : '-';
    const entries = await this.redis.xrange(this.channelOf(conversationId), start, '+', 'COUNT', count);
    const activities = entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as Partial<Activity>);
    return { activities, watermark: entries.at(-1)?.[0] ?? watermark };
  }

  /**
   * Reserves `candidateId` for a client activity id, or returns what an earlier post of the same
   * client activity got. `fresh` is true only for the first post.
   */
  async claimClientActivity(
    conversationId: string,
    clientActivityId: string,
    candidateId: string,
  ): Promise<{ id: string; state: ClientActivityState; fresh: boolean }> {
    const key = this.clientKey(conversationId, clientActivityId);
    const previous = await this.redis.set(key, `${candidateId} reserved`, 'EX', CLIENT_ACTIVITY_TTL_S, 'NX', 'GET');
    if (previous === null) return { id: candidateId, state: 'reserved', fresh: true };
    const [id = candidateId, state = 'reserved'] = previous.split(' ');
    return { id, state: state as ClientActivityState, fresh: false };
  }

  async markClientActivityIngested(conversationId: string, clientActivityId: string, activityId: string): Promise<void> {
    await this.redis.set(this.clientKey(conversationId, clientActivityId), `${activityId} ingested`, 'KEEPTTL');
  }
}

/** MULTI results with per-command errors raised instead of ignored. */
async function execOrThrow(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const results = await multi.exec();
  if (!results) throw new Error('Redis transaction aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    dlAppendOnce(...args: string[]): Promise<number>;
  }
}
