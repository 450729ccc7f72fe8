import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { UnknownConversationError } from '../../bot/errors';
import { luaScript } from '../../bot/lua';

/**
 * How long an idle conversation (its stream, meta and sequence) is kept. Refreshed on every activity.
 * Weeks, not hours: a ticket's status change may be pushed to the citizen long after they last wrote.
 */
export const CONVERSATION_TTL_S = 30 * 24 * 3_600;

/** How long, and for how many conversations, a process keeps conversation metadata (see ConversationStore.known). */
const RECENT_MS = 60_000;
const RECENT_MAX = 20_000;
/** Approximate cap on activities kept per conversation (XADD MAXLEN ~). */
export const STREAM_MAXLEN = 5_000;
/** How long a `channelData.clientActivityID` is remembered for dedupe. */
const CLIENT_ACTIVITY_TTL_S = 24 * 3_600;

const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const WATERMARK = /^(\d{1,16})-(\d{1,16})$/;

export const isConversationId = (s: string): boolean => CONVERSATION_ID.test(s);
/**
 * Watermarks are Redis stream entry ids (`<ms>-<seq>`); empty means "from the start". Both parts must be
 * safe integers: Redis refuses ids past 2^64 - 1, and `(<id>` (the exclusive start of a read) past the
 * largest sequence, with an error that was a 500 (issue 12). A watermark beyond the stream's last entry
 * stays valid: it reads nothing, as Direct Line does.
 */
export function isWatermark(s: string): boolean {
  const m = WATERMARK.exec(s);
  return m !== null && Number.isSafeInteger(Number(m[1])) && Number.isSafeInteger(Number(m[2]));
}
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

/**
 * The Redis side of Direct Line conversations. Every key starts with `${prefix}:dl:`:
 * - `…:dl:<conv>` — STREAM of activities (user echoes and bot replies); the entry id is the watermark.
 *   The same name is the pub/sub channel notified after each append.
 * - `…:dl:<conv>:meta` — HASH `user`, `locale`, `greeted`, `seq` (activity id sequence).
 * - `…:dl:<conv>:cid:<clientActivityID>` — STRING `<activityId> echoed`, dedupe of client retries.
 * - `…:dl:<conv>:sent:<id>` — STRING, marks a batch of bot replies as appended (idempotent sends).
 */
/**
 * Appends activities to a conversation in ONE atomic step (a web chat message or reply costs one round
 * trip, not four). KEYS: stream, meta, batch marker, idle guard list, client-activity key.
 * ARGV: maxlen, ttlSec, markerTtlSec ('0': no batch marker), conversationId, assignIds ('1'|'0'),
 * toUser ('1'|'0'), client activity ('' = none; 'claim <ttlSec>': see below), then one activity JSON
 * per activity.
 * 'claim': a client activity posted before answers {2, "<activityId> echoed"} and appends nothing;
 * a new one is appended and its key records "<firstActivityId> echoed" (claim and echo in one step).
 * With assignIds the JSON comes without `id` (and, with toUser, without `recipient`): the script
 * allocates ids from meta `seq` and splices `"id"` / `"recipient"` in front of the other fields.
 * Returns {1, lastEntryId, firstActivityId}, {0} for a repeated batch, {-1} for an unknown
 * conversation, {-2} when the guard list is not empty.
 * The PUBLISH carries "<previous entry id>\n<last entry id>\n<json>\n<json>…": a follower whose
 * watermark is the previous entry id sends the activities as they are, without reading the stream.
 */
const APPEND_LUA = luaScript('channels/webchat/lua/conversation-store/append.lua');

/** How an append is done; see ConversationStore.append. */
export interface AppendOptions {
  /** Allocate Direct Line ids (`<conv>|0000001`, …) in order; otherwise every activity carries its `id`. */
  assignIds?: boolean;
  /** Bot replies: `recipient` becomes the conversation's user (needs assignIds). */
  toUser?: boolean;
  /** Append a batch with this id at most once (a turn re-delivered after a worker crash). */
  batchId?: string;
  /** Append only while this Redis list is empty (see ChannelAdapter.sendInline). */
  idleWhenEmpty?: string;
  /**
   * With assignIds and one activity: claim this client activity id in the same step. A client activity
   * posted before is not appended again; the result says what its first post got.
   */
  claimClientActivity?: string;
}

export type AppendResult =
  | { status: 'appended'; watermark: string; firstId: string }
  | { status: 'claimed'; id: string }
  | { status: 'repeated' }
  | { status: 'busy' };

/** A stream notification (see APPEND_LUA): the entries just appended and the entry before them. */
export interface StreamNotice {
  previous: string;
  last: string;
  /** The appended activities, as the JSON stored in the stream. */
  json: string[];
}

/** Parses a PUBLISH payload; undefined when it is not one of ours (then followers read the stream). */
export function parseNotice(message: string): StreamNotice | undefined {
  const parts = message.split('\n');
  if (parts.length < 3 || !parts[1]) return undefined;
  return { previous: parts[0] ?? '', last: parts[1], json: parts.slice(2) };
}

export class ConversationStore {
  /** Conversation id → its metadata, for a minute (see `known`); the least recently used go first. */
  private readonly recent = new LRUCache<string, ConversationMeta>({ max: RECENT_MAX, ttl: RECENT_MS });

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('dlAppend', { numberOfKeys: 5, lua: APPEND_LUA });
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

  /**
   * The conversation's user and locale (which never change) from a per-process cache of at most a minute,
   * else as `get`: every POST of a citizen's message needs them, and a Redis round trip was a tenth of a
   * web process's work per message. `greeted` may be stale: use `get` where it matters. A conversation
   * that expired meanwhile is still refused, by the append (UnknownConversationError).
   */
  async known(conversationId: string): Promise<ConversationMeta | undefined> {
    const cached = this.recent.get(conversationId);
    if (cached) return cached;
    const meta = await this.get(conversationId);
    if (meta) this.recent.set(conversationId, meta);
    return meta;
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
   * Appends activities and notifies followers in one atomic step (see APPEND_LUA): a follower woken by
   * the notification always finds the entries. Throws UnknownConversationError when the conversation
   * does not exist or expired.
   */
  async append(conversationId: string, activities: Partial<Activity>[], options: AppendOptions = {}): Promise<AppendResult> {
    const stream = this.channelOf(conversationId);
    const { assignIds = false, toUser = false, batchId, idleWhenEmpty, claimClientActivity } = options;
    const clientArg = claimClientActivity !== undefined ? `claim ${CLIENT_ACTIVITY_TTL_S}` : '';
    const json = activities.map((a) => {
      if (!assignIds) return JSON.stringify(a);
      // The script splices the ids (and the recipient) in; `type` keeps the object non-empty.
      const { id: _id, recipient, ...rest } = a;
      return JSON.stringify({ type: 'message', ...rest, ...(toUser || !recipient ? {} : { recipient }) });
    });
    const reply = (await this.redis.dlAppend(
      stream, this.metaKey(conversationId), `${stream}:sent:${batchId ?? '-'}`, idleWhenEmpty ?? `${this.prefix}:dl:-`,
      claimClientActivity === undefined ? `${stream}:-` : this.clientKey(conversationId, claimClientActivity),
      // A re-delivery happens within minutes of the crash (the lock time), so the batch marker need not live long.
      String(STREAM_MAXLEN), String(CONVERSATION_TTL_S), batchId === undefined ? '0' : '3600', conversationId,
      assignIds ? '1' : '0', toUser ? '1' : '0', clientArg, ...json,
    )) as [number, string?, string?];
    switch (reply[0]) {
      case 1: return { status: 'appended', watermark: reply[1] ?? '', firstId: reply[2] || (activities[0]?.id ?? '') };
      case 2: return { status: 'claimed', id: (reply[1] ?? '').split(' ')[0] ?? '' };
      case 0: return { status: 'repeated' };
      case -2: return { status: 'busy' };
      default: throw new UnknownConversationError(`webchat conversation ${conversationId} does not exist or expired`);
    }
  }

  /** Activities after `watermark` (exclusive), oldest first, at most `count`. */
  async read(conversationId: string, watermark: string | undefined, count: number): Promise<ActivityPage> {
    const start = watermark ? `(${watermark}` : '-';
    const entries = await this.redis.xrange(this.channelOf(conversationId), start, '+', 'COUNT', count);
    const activities = entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as Partial<Activity>);
    return { activities, watermark: entries.at(-1)?.[0] ?? watermark };
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
    dlAppend(...args: string[]): Promise<unknown>;
  }
}
