import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger';

/** What an erasure removed from Redis. */
export interface RedisErasureCounts {
  /** Whole keys deleted (named after the citizen, or a value that was all theirs). */
  keys: number;
  /** Entries taken out of shared hashes, lists, sets, sorted sets and streams. */
  entries: number;
  /** Queued or finished BullMQ jobs removed (their data named the citizen). */
  jobs: number;
}

const SCAN_COUNT = 1_000;
const STREAM_PAGE = 500;

/**
 * Takes a citizen out of Redis: every key under `prefix` is read, whatever its type, because their data
 * is spread over many families, each named or filled with their ids:
 * - named after a conversation or a user: dialog and profile state (`state:<channel>/conversations|users/…`),
 *   Direct Line streams and their metadata (`dl:<conversation>…`), identity copies (`citizen:<channel>:<user>`),
 *   mailboxes, locks and dedupe keys of the ordered queues (`<queue>:mbox|lock|seen:<key>`), handoff holds
 *   (`handoff:hold:<conversation>`), WhatsApp Cloud windows (`wac:last-message:<conversation>`), rate limits
 *   per chat (`rl:<channel>:chat:<chat>`), Telegram button data, video calls;
 * - shared containers holding their entries: the transcript outbox and dead letters (lists), queue
 *   pending sets, handoff previews and "told" places (hashes), WhatsApp Cloud last-inbound (hash), BullMQ
 *   event streams;
 * - BullMQ jobs whose data carries their conversation or words (inbound turns, outbound replies, ticket
 *   deliveries, handoff timers): removed through BullMQ, which also takes them out of its lists.
 * Counters keyed by a hash of an id (model calls and link attempts per hour) hold nothing of theirs and
 * expire by themselves. `mentions` says whether a key or value is the citizen's (trace-matcher.ts).
 * `keepReachable` names keys a channel needs to still reach the citizen (an open web chat's stream and
 * metadata): a stream among them is emptied, the rest left, and they expire with the conversation.
 */
export async function eraseFromRedis(
  redis: Redis, prefix: string, mentions: (value: string) => boolean, log: Logger, keepReachable: readonly string[] = [],
): Promise<RedisErasureCounts> {
  const counts: RedisErasureCounts = { keys: 0, entries: 0, jobs: 0 };
  const keys = await scanAll(redis, `${globEscape(prefix)}:*`);
  // Jobs first, through BullMQ, so its own lists and sets stay consistent; then whatever is left.
  const rest: string[] = [];
  for (const key of keys) {
    if (await isJob(redis, key)) {
      const fields = await redis.hgetall(key);
      if (mentions(key) || Object.values(fields).some(mentions)) counts.jobs += await removeJob(redis, key, log);
    } else {
      rest.push(key);
    }
  }
  const kept = new Set(keepReachable);
  for (const key of rest) {
    if (kept.has(key)) {
      // The conversation the citizen is told on: emptied, not deleted (see `keepReachable`).
      if ((await redis.type(key)) === 'stream') counts.entries += await redis.xtrim(key, 'MAXLEN', 0);
      continue;
    }
    if (mentions(key)) {
      counts.keys += await redis.del(key);
      continue;
    }
    counts.entries += await eraseEntries(redis, key, mentions, counts);
  }
  return counts;
}

async function eraseEntries(redis: Redis, key: string, mentions: (value: string) => boolean, counts: RedisErasureCounts): Promise<number> {
  switch (await redis.type(key)) {
    case 'string': {
      const value = await redis.get(key);
      if (value !== null && mentions(value)) counts.keys += await redis.del(key);
      return 0;
    }
    case 'hash': {
      const fields = Object.entries(await redis.hgetall(key)).filter(([f, v]) => mentions(f) || mentions(v)).map(([f]) => f);
      return fields.length ? redis.hdel(key, ...fields) : 0;
    }
    case 'list': {
      let n = 0;
      for (const item of new Set((await redis.lrange(key, 0, -1)).filter(mentions))) n += await redis.lrem(key, 0, item);
      return n;
    }
    case 'set': {
      const members = (await redis.smembers(key)).filter(mentions);
      return members.length ? redis.srem(key, ...members) : 0;
    }
    case 'zset': {
      const members = (await redis.zrange(key, '0', '-1')).filter(mentions);
      return members.length ? redis.zrem(key, ...members) : 0;
    }
    case 'stream': {
      let n = 0;
      let start = '-';
      for (;;) {
        const page = await redis.xrange(key, start, '+', 'COUNT', String(STREAM_PAGE));
        const ids = page.filter(([, fields]) => fields.some(mentions)).map(([id]) => id);
        if (ids.length) n += await redis.xdel(key, ...ids);
        if (page.length < STREAM_PAGE) return n;
        start = `(${page[page.length - 1]![0]}`;
      }
    }
    default:
      return 0;
  }
}

/** A BullMQ job is a hash with its name, data and creation time, at `<bull prefix>:<queue>:<job id>`. */
async function isJob(redis: Redis, key: string): Promise<boolean> {
  if ((await redis.type(key)) !== 'hash') return false;
  const [name, data, timestamp] = await redis.hmget(key, 'name', 'data', 'timestamp');
  return name !== null && data !== null && timestamp !== null;
}

/**
 * Removes one job through its queue (BullMQ takes it out of its wait, delayed, completed and failed
 * lists). A job that a worker holds right now cannot be removed: it is left to finish, and logged.
 */
async function removeJob(redis: Redis, key: string, log: Logger): Promise<number> {
  const cut = key.lastIndexOf(':');
  const base = key.slice(0, cut);
  const jobId = key.slice(cut + 1);
  const queueCut = base.lastIndexOf(':');
  const queue = new Queue(base.slice(queueCut + 1), { connection: redis, prefix: base.slice(0, queueCut) });
  try {
    const removed = await queue.remove(jobId);
    if (removed === 0) log.warn({ queue: queue.name, jobId }, 'erasure: a job being worked on right now was left to finish');
    return removed;
  } finally {
    await queue.close();
  }
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    for (const key of page) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}

const globEscape = (text: string): string => text.replace(/[\\*?[\]]/g, '\\$&');
