import type { Redis } from 'ioredis';

/** A connected console refreshes its agent's presence this often… */
export const HEARTBEAT_MS = 5_000;
/** …and an agent unseen for two beats is offline. */
export const ONLINE_WINDOW_MS = 2 * HEARTBEAT_MS;

/** What an agent says of themselves in the console's top bar; offline is not chosen, it is having no console open. */
export const CHOSEN_AVAILABILITIES = ['available', 'away'] as const;
export type ChosenAvailability = (typeof CHOSEN_AVAILABILITIES)[number];
/** As a supervisor sees it: offline when no console of theirs is open, else what they chose. */
export type Availability = ChosenAvailability | 'offline';

/**
 * Which agents are at their console: one sorted set, agent id → last time a console of theirs was
 * seen (socket heartbeat or API call), shared by every web process.
 */
export class Presence {
  private readonly key: string;
  /** Agent id → 'away' for those who said so; absent means available. Kept across consoles closing. */
  private readonly awayKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:console:presence`;
    this.awayKey = `${prefix}:console:away`;
  }

  async choose(agentId: string, availability: ChosenAvailability): Promise<void> {
    if (availability === 'away') await this.redis.sadd(this.awayKey, agentId);
    else await this.redis.srem(this.awayKey, agentId);
  }

  async chosen(agentId: string): Promise<ChosenAvailability> {
    return (await this.redis.sismember(this.awayKey, agentId)) ? 'away' : 'available';
  }

  /** Each agent's availability at `at`: offline unless a console of theirs was seen in the window. */
  async availability(agentIds: readonly string[], at = Date.now()): Promise<Map<string, Availability>> {
    const [connected, away] = await Promise.all([this.connected(at), this.redis.smembers(this.awayKey)]);
    const awaySet = new Set(away);
    return new Map(agentIds.map((id) => [id, !connected.has(id) ? 'offline' : awaySet.has(id) ? 'away' : 'available']));
  }

  async seen(agentIds: readonly string[], at = Date.now()): Promise<void> {
    if (agentIds.length === 0) return;
    await this.redis.zadd(this.key, ...agentIds.flatMap((id) => [at, id]));
  }

  /** Last time each agent was seen (ms since epoch); absent when never. */
  async lastSeen(): Promise<Map<string, number>> {
    const flat = await this.redis.zrange(this.key, '0', '-1', 'WITHSCORES');
    const out = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) out.set(flat[i]!, Number(flat[i + 1]));
    return out;
  }

  /**
   * Agents who take conversations now: at a console and not away. Routing and the bot's "nobody online"
   * answer count these; an away agent keeps their conversations (see lastSeen) but is not counted.
   */
  async online(at = Date.now()): Promise<Set<string>> {
    const [connected, away] = await Promise.all([this.connected(at), this.redis.smembers(this.awayKey)]);
    for (const id of away) connected.delete(id);
    return connected;
  }

  private async connected(at: number): Promise<Set<string>> {
    return new Set(await this.redis.zrangebyscore(this.key, at - ONLINE_WINDOW_MS, '+inf'));
  }

  /**
   * The agent's last console in this process closed: offline from now, so the grace period starts now
   * rather than two beats later. A console of theirs in another web process beats within HEARTBEAT_MS
   * and puts them back online.
   */
  async left(agentId: string, at = Date.now()): Promise<void> {
    await this.redis.zadd(this.key, at - ONLINE_WINDOW_MS, agentId);
  }

  /** Milliseconds the agent has been offline at `now` (0 while online), from their last sighting. */
  static offlineFor(lastSeen: number, now: number): number {
    return Math.max(0, now - lastSeen - ONLINE_WINDOW_MS);
  }
}
