import type { Redis } from 'ioredis';

/** The verdict of one hit: allowed, or refused with the seconds until the window resets. */
export interface RateVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counter in Redis (INCR + EXPIRE NX), shared by every web process,
 * so N processes behind a load balancer enforce one limit, not N.
 */
export class FixedWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  async hit(subject: string): Promise<RateVerdict> {
    const key = `${this.keyPrefix}:${subject}`;
    const results = await this.redis.multi().incr(key).expire(key, this.windowSeconds, 'NX').ttl(key).exec();
    if (!results) throw new Error('Redis transaction aborted');
    for (const [err] of results) if (err) throw err;
    const count = Number(results[0]?.[1]);
    const ttl = Number(results[2]?.[1]);
    return { allowed: count <= this.limit, retryAfterSeconds: ttl > 0 ? ttl : this.windowSeconds };
  }
}
