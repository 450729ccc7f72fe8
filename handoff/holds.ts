import type { Redis } from 'ioredis';
import type { Hold } from '../dialogs';
import { conversationKey } from '../bot/conversation-key';
import { holdKeyOf } from './hold-key';
import type { Handoff } from './handoff-store';
import { luaScript } from '../bot/lua';

/**
 * How long a hold lives unless renewed. The handoff timers' sweep (every 5 s) renews the holds of every
 * handoff SQL says is open, so an open handoff's hold never lapses while a worker runs; a hold whose
 * handoff ended without its delete (Redis failed between SQL and Redis) lapses within this time.
 * @defaultValue 5 minutes
 */
export const HOLD_LEASE_MS = 5 * 60_000;

// Deletes the hold only while it still names this handoff: a newer handoff of the conversation keeps its own.
const DROP_LUA = luaScript('handoff/lua/holds/drop.lua');

// Renews a hold, or sets it again when Redis lost it; never overwrites another value.
const RENEW_LUA = luaScript('handoff/lua/holds/renew.lua');

/**
 * The Redis holds (`hold:<mailbox>`, read by the inbound queue with each message) as leases. SQL decides
 * who holds a conversation; a hold mirrors it and heals itself: renewed while SQL says the handoff is
 * open, dropped when a held message finds SQL says it ended, and reconciled with SQL at start.
 *
 * Read this before changing: a hold that outlives its handoff silences the bot for that citizen.
 */
export class Holds {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs = HOLD_LEASE_MS,
  ) {
    if (!redis.holdDrop) redis.defineCommand('holdDrop', { numberOfKeys: 1, lua: DROP_LUA });
    if (!redis.holdRenew) redis.defineCommand('holdRenew', { numberOfKeys: 1, lua: RENEW_LUA });
  }

  async get(channel: string, conversationId: string): Promise<Hold | undefined> {
    const raw = await this.redis.get(this.keyOf(channel, conversationId));
    return raw ? (JSON.parse(raw) as Hold) : undefined;
  }

  /** Holds the conversation for people while `h` is queued or assigned; other states set nothing. */
  async set(h: Handoff): Promise<void> {
    if (h.status !== 'queued' && h.status !== 'assigned') return;
    await this.redis.set(this.keyOf(h.channel, h.conversationId), JSON.stringify(holdOf(h)), 'PX', this.leaseMs);
  }

  /** The bot may speak again: drops `h`'s hold (not a newer handoff's). */
  async drop(h: Pick<Handoff, 'id' | 'channel' | 'conversationId'>): Promise<void> {
    await this.redis.holdDrop(this.keyOf(h.channel, h.conversationId), h.id);
  }

  /** Renews the leases of open handoffs (`active`, from SQL), and sets those Redis lost. Returns how many were missing. */
  async renew(active: readonly Handoff[]): Promise<number> {
    if (active.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const h of active) pipeline.holdRenew(this.keyOf(h.channel, h.conversationId), JSON.stringify(holdOf(h)), String(this.leaseMs));
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return results.filter(([, renewed]) => renewed === 0).length;
  }

  /**
   * Drops every hold whose handoff SQL does not call open (`isOpen(id)` false). For the start of a
   * process: it SCANs all of Redis's keys, which is too costly for every sweep. Returns how many it dropped.
   */
  async reconcile(isOpen: (handoffId: string) => Promise<boolean>): Promise<number> {
    let dropped = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${globEscape(holdKeyOf(this.prefix, ''))}*`, 'COUNT', 1_000);
      cursor = next;
      for (const key of keys) {
        const raw = await this.redis.get(key);
        const id = raw ? idOf(raw) : undefined;
        if (raw === null || (id !== undefined && (await isOpen(id)))) continue;
        // Dropped only if unchanged meanwhile (a hold set since is a live handoff's).
        if (id !== undefined) dropped += await this.redis.holdDrop(key, id);
        else dropped += await this.redis.del(key); // not ours to read: no handoff can own it
      }
    } while (cursor !== '0');
    return dropped;
  }

  private keyOf(channel: string, conversationId: string): string {
    return holdKeyOf(this.prefix, conversationKey(channel, conversationId));
  }
}

const holdOf = (h: Handoff): Hold => ({ id: h.id, status: h.status as Hold['status'], team: h.team });

function idOf(raw: string): string | undefined {
  try {
    const id = (JSON.parse(raw) as Partial<Hold>).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A SCAN pattern that matches `text` literally. */
const globEscape = (text: string): string => text.replace(/[\\*?[\]]/g, '\\$&');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    holdDrop(key: string, handoffId: string): Promise<number>;
    holdRenew(key: string, value: string, leaseMs: string): Promise<number>;
  }
}
