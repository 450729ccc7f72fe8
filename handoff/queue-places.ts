import type { Redis } from 'ioredis';

// With fewer than two recent claims there is no pace to measure: assume a claim every few minutes.
const DEFAULT_MINUTES_PER_PLACE = 3;
const RECENT_CLAIMS = 10;

/**
 * Places in the team queues as citizens hear them: the wait estimate from the pace of recent claims,
 * and which waiting citizens moved since they were last told their place.
 */
export class QueuePlaces {
  constructor(private readonly deps: { redis: Redis; prefix: string }) {}

  /** Remembers a claim's time: the team's pace of claims gives the wait estimates. */
  async claimed(team: string, at = Date.now()): Promise<void> {
    const key = this.claimsKey(team);
    await this.deps.redis.multi().lpush(key, String(at)).ltrim(key, 0, RECENT_CLAIMS - 1).exec();
  }

  /** Minutes until a person takes place `position`, from the pace of the team's recent claims. */
  async waitMinutes(team: string, position: number): Promise<number> {
    const times = (await this.deps.redis.lrange(this.claimsKey(team), 0, -1)).map(Number);
    const perPlace = times.length >= 2 ? (times[0]! - times[times.length - 1]!) / (times.length - 1) / 60_000 : DEFAULT_MINUTES_PER_PLACE;
    return Math.max(1, Math.ceil(position * Math.max(perPlace, 0.5)));
  }

  /**
   * Records the place each waiting citizen was last told, and returns those whose place changed (to
   * tell them the new one). One not recorded yet (just queued, or back in the queue) was given its
   * place by the message that queued it.
   */
  async movedPlaces(order: readonly string[]): Promise<Array<{ id: string; position: number }>> {
    if (order.length === 0) return [];
    const key = `${this.deps.prefix}:handoff:told`;
    const before = await this.deps.redis.hmget(key, ...order);
    const moved: Array<{ id: string; position: number }> = [];
    const updates: string[] = [];
    order.forEach((id, i) => {
      const position = i + 1;
      if (before[i] !== String(position)) {
        updates.push(id, String(position));
        if (before[i] !== null) moved.push({ id, position });
      }
    });
    if (updates.length > 0) await this.deps.redis.hset(key, ...updates);
    return moved;
  }

  async forget(handoffId: string): Promise<void> {
    await this.deps.redis.hdel(`${this.deps.prefix}:handoff:told`, handoffId);
  }

  private claimsKey(team: string): string {
    return `${this.deps.prefix}:handoff:claims:${team}`;
  }
}
