import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What a valid session token opens. */
export interface ConsoleSession {
  agentId: string;
  /** Sent back by the browser in `x-csrf-token` on every request that changes something. */
  csrf: string;
}

export interface ConsoleSessionsOptions {
  /** Idle lifetime: every `get` pushes the expiry this far ahead. @defaultValue 43_200 (12 h) */
  ttlSeconds?: number;
}

// 32 random bytes in base64url: 43 characters, no padding.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Agent console sessions in Redis, shared by every web process.
 *
 * Keys, all under `prefix`:
 * - `<prefix>:console:session:<sha256(token) hex>`: hash {agentId, csrf}, sliding TTL. Only the
 *   token's digest is stored, so a Redis dump or `MONITOR` does not hand out live cookies.
 * - `<prefix>:console:agent-sessions:<agentId>`: set of those digests, so disabling an agent or
 *   changing their password can end every session they have (`destroyAllOf`).
 *
 * @example
 * const sessions = new ConsoleSessions(redis, 'citybot');
 * const { token, csrf } = await sessions.create(agent.id); // token goes in the cookie
 * await sessions.get(token); // { agentId, csrf }, and the session lives 12 h more
 */
export class ConsoleSessions {
  readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: ConsoleSessionsOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 12 * 60 * 60;
  }

  /** Starts a session for an agent. The token is returned once and never stored. */
  async create(agentId: string): Promise<{ token: string; csrf: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const digest = digestOf(token);
    await this.redis
      .multi()
      .hset(this.sessionKey(digest), { agentId, csrf })
      .expire(this.sessionKey(digest), this.ttlSeconds)
      .sadd(this.agentKey(agentId), digest)
      .expire(this.agentKey(agentId), this.ttlSeconds)
      .exec();
    await this.prune(agentId);
    return { token, csrf };
  }

  /** The session behind a token, or undefined when it is unknown, expired or destroyed. Slides the TTL. */
  async get(token: string): Promise<ConsoleSession | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const key = this.sessionKey(digestOf(token));
    const results = await this.redis.multi().hgetall(key).expire(key, this.ttlSeconds).exec();
    const fields = results?.[0]?.[1] as Record<string, string> | undefined;
    if (!fields?.agentId || !fields.csrf) return undefined;
    // The agent's index must outlive their newest session, or destroyAllOf would miss it.
    await this.redis.expire(this.agentKey(fields.agentId), this.ttlSeconds);
    return { agentId: fields.agentId, csrf: fields.csrf };
  }

  /**
   * The session behind a token without sliding its TTL: for re-checks that are not the agent's own
   * activity (an open console socket must not keep an idle session alive forever).
   */
  async peek(token: string): Promise<ConsoleSession | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const fields = await this.redis.hgetall(this.sessionKey(digestOf(token)));
    return fields.agentId && fields.csrf ? { agentId: fields.agentId, csrf: fields.csrf } : undefined;
  }

  /** Ends one session (logout). Unknown tokens are ignored. */
  async destroy(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    const digest = digestOf(token);
    const agentId = await this.redis.hget(this.sessionKey(digest), 'agentId');
    const tx = this.redis.multi().del(this.sessionKey(digest));
    if (agentId) tx.srem(this.agentKey(agentId), digest);
    await tx.exec();
  }

  /** Ends every session of an agent (disabled, password changed). Returns how many were live. */
  async destroyAllOf(agentId: string): Promise<number> {
    const digests = await this.redis.smembers(this.agentKey(agentId));
    if (digests.length === 0) return 0;
    // Remove exactly the members read: a session created meanwhile (a fresh login) stays indexed.
    const results = await this.redis
      .multi()
      .del(...digests.map((d) => this.sessionKey(d)))
      .srem(this.agentKey(agentId), ...digests)
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  /** Drops index entries whose session has expired, so the set of a frequent user does not grow. */
  private async prune(agentId: string): Promise<void> {
    const digests = await this.redis.smembers(this.agentKey(agentId));
    const pipeline = this.redis.pipeline();
    for (const d of digests) pipeline.exists(this.sessionKey(d));
    const alive = (await pipeline.exec()) ?? [];
    const dead = digests.filter((_, i) => alive[i]?.[1] === 0);
    if (dead.length > 0) await this.redis.srem(this.agentKey(agentId), ...dead);
  }

  private sessionKey(digest: string): string {
    return `${this.prefix}:console:session:${digest}`;
  }

  private agentKey(agentId: string): string {
    return `${this.prefix}:console:agent-sessions:${agentId}`;
  }
}

const digestOf = (token: string): string => createHash('sha256').update(token).digest('hex');
