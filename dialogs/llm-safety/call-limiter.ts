import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Counts model calls per citizen in a fixed window; `take` answers whether one more is allowed. */
export interface CallLimiter {
  /** Counts one call for `citizenId` and says whether it is within the allowance. */
  take(citizenId: string): Promise<boolean>;
}

export interface CallLimiterOptions {
  /** Calls allowed per window per citizen; 0 allows none. */
  limit: number;
  /** @defaultValue 3_600_000 (one hour) */
  windowMs?: number;
  /** Injected clock (ms since epoch). @defaultValue Date.now */
  now?: () => number;
}

/**
 * The per-citizen allowance in Redis, shared by every worker: one counter per citizen and window
 * (`INCR` and `PEXPIRE` in one `MULTI`), so the count is exact across processes and a key lives
 * no longer than its window.
 *
 * A fixed window lets a citizen make up to twice the limit around a window's edge; that is the
 * price of one round trip per call, and still bounds the cost of one citizen.
 */
export class RedisCallLimiter implements CallLimiter {
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly opts: CallLimiterOptions,
  ) {
    this.#windowMs = opts.windowMs ?? 3_600_000;
    this.#now = opts.now ?? Date.now;
  }

  async take(citizenId: string): Promise<boolean> {
    if (this.opts.limit <= 0) return false;
    const window = Math.floor(this.#now() / this.#windowMs);
    // Hashed: a citizen id may be a phone number (WhatsApp), which has no place in a Redis key.
    const key = `${this.prefix}:llm-calls:${window}:${createHash('sha256').update(citizenId).digest('base64url').slice(0, 22)}`;
    const replies = await this.redis.multi().incr(key).pexpire(key, this.#windowMs).exec();
    const [err, count] = replies?.[0] ?? [new Error('no reply from Redis'), 0];
    if (err) throw err;
    return Number(count) <= this.opts.limit;
  }
}

/** The same allowance in one process's memory: for the CLI, tests and a bot without Redis. */
export class MemoryCallLimiter implements CallLimiter {
  readonly #counts = new Map<string, { window: number; count: number }>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(private readonly opts: CallLimiterOptions) {
    this.#windowMs = opts.windowMs ?? 3_600_000;
    this.#now = opts.now ?? Date.now;
  }

  async take(citizenId: string): Promise<boolean> {
    if (this.opts.limit <= 0) return false;
    const window = Math.floor(this.#now() / this.#windowMs);
    const entry = this.#counts.get(citizenId);
    const count = entry && entry.window === window ? entry.count + 1 : 1;
    this.#counts.set(citizenId, { window, count });
    if (this.#counts.size > 100_000) this.#evict(window);
    return count <= this.opts.limit;
  }

  #evict(window: number): void {
    for (const [id, e] of this.#counts) if (e.window !== window) this.#counts.delete(id);
  }
}
