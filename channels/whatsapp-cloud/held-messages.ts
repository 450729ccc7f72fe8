import type { Redis } from 'ioredis';
import type { InboundMessage } from './webhook-payload';

/** A citizen message waiting in Redis for its media to be downloaded (or behind one that is). */
export interface HeldMessage {
  message: InboundMessage;
  /** The WhatsApp profile name the webhook carried. */
  displayName?: string;
  /** Failed download attempts so far. */
  attempts: number;
  /** After a failed download: not before this time (ms since epoch), so retries back off. */
  notBefore?: number;
}

/** KEYS: list, set, seen. ARGV: item, conversation, force('1'|'0'), seenTtlSec. */
const HOLD_LUA = `
if ARGV[3] == '0' and redis.call('LLEN', KEYS[1]) == 0 then return 'direct' end
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[4]) then return 'duplicate' end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 'held'`;

/** KEYS: list, set, lock. ARGV: conversation, token. Releases the lock only together with finding the list empty. */
const FINISH_LUA = `
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1`;

/** KEYS: lock. ARGV: token, ttlMs ('0' releases). */
const LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** How long a held message id is remembered, so a webhook Meta delivers again does not download twice. */
const SEEN_TTL_SEC = 86_400;

/**
 * The per-conversation waiting room in front of `ingest`, in Redis.
 *
 * Read this before changing: the webhook must answer Meta at once, but a photo has to be downloaded
 * (two Graph calls, up to 16 MB) before its message can be ingested. Acknowledging first and
 * downloading in memory would lose the photo if the process died in between, so the message is
 * first written here (durable), then acknowledged, then drained: download, store, ingest, remove.
 * A text that arrives while a photo of the same conversation waits is held behind it (`hold` decides
 * atomically), so the dialog sees the citizen's messages in the order they sent them. One drainer per
 * conversation at a time (a lock with a token); it releases the lock only in the same Lua call that
 * finds the list empty, so an item pushed meanwhile is never stranded. A drainer that died leaves its
 * items here; the sweeper of any process picks them up when the lock expires.
 */
export class HeldMessages {
  private readonly keys: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.keys = `${prefix}:wac:held:`;
  }

  /**
   * Holds `item` if `force` (it has media) or the conversation already has messages waiting;
   * otherwise answers `direct` and the caller ingests it straight away. `duplicate` when this
   * message was held before (a webhook delivered again).
   */
  async hold(conversationId: string, item: HeldMessage, force: boolean): Promise<'held' | 'direct' | 'duplicate'> {
    const keys = [this.list(conversationId), this.set(), `${this.keys}seen:${item.message.id}`];
    return (await this.redis.eval(HOLD_LUA, keys.length, ...keys, JSON.stringify(item), conversationId, force ? '1' : '0', String(SEEN_TTL_SEC))) as
      | 'held'
      | 'direct'
      | 'duplicate';
  }

  /** Conversations with messages waiting. */
  conversations(): Promise<string[]> {
    return this.redis.smembers(this.set());
  }

  async head(conversationId: string): Promise<HeldMessage | undefined> {
    const raw = await this.redis.lindex(this.list(conversationId), 0);
    return raw === null ? undefined : (JSON.parse(raw) as HeldMessage);
  }

  /** Rewrites the head (its attempt count); only the lock holder calls this. */
  async replaceHead(conversationId: string, item: HeldMessage): Promise<void> {
    await this.redis.lset(this.list(conversationId), 0, JSON.stringify(item));
  }

  /** Removes the head once it was ingested; only the lock holder calls this. */
  async popHead(conversationId: string): Promise<void> {
    await this.redis.lpop(this.list(conversationId));
  }

  /** Takes the conversation's drain lock; false when another drainer holds it (it will see our items). */
  async lock(conversationId: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.lockKey(conversationId), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async extend(conversationId: string, token: string, ttlMs: number): Promise<void> {
    await this.redis.eval(LOCK_LUA, 1, this.lockKey(conversationId), token, String(ttlMs));
  }

  async unlock(conversationId: string, token: string): Promise<void> {
    await this.redis.eval(LOCK_LUA, 1, this.lockKey(conversationId), token, '0');
  }

  /** Releases the lock if nothing waits any more; false (lock kept) when something arrived meanwhile. */
  async finish(conversationId: string, token: string): Promise<boolean> {
    const keys = [this.list(conversationId), this.set(), this.lockKey(conversationId)];
    return (await this.redis.eval(FINISH_LUA, keys.length, ...keys, conversationId, token)) === 1;
  }

  private list(conversationId: string): string {
    return `${this.keys}list:${conversationId}`;
  }

  private set(): string {
    return `${this.keys}conversations`;
  }

  private lockKey(conversationId: string): string {
    return `${this.keys}lock:${conversationId}`;
  }
}
