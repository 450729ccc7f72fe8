import type { Redis } from 'ioredis';

/** A connected console refreshes its agent's presence this often… */
export const HEARTBEAT_MS = 5_000;
/** …and an agent unseen for two beats is offline. */
export const ONLINE_WINDOW_MS = 2 * HEARTBEAT_MS;

/**
 * Which agents are at their console: one sorted set, agent id → last time a console of theirs was
 * seen (socket heartbeat or API call), shared by every web process.
 */
export class Presence {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:console:presence`;
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

  async online(at = Date.now()): Promise<Set<string>> {
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
