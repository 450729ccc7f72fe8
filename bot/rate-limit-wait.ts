import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Counts one hit on `key` against a rate-limiter-flexible limiter. Returns 0 when the hit is allowed,
 * else the whole seconds until the window lets it through (for a Retry-After header).
 *
 * rate-limiter-flexible rejects with a `RateLimiterRes` for a refusal and with an `Error` when the store
 * fails: only the first is a refusal; a Redis failure is thrown, never taken for "wait" or "go".
 *
 * @example
 * const wait = await secondsToWait(limiter, req.ip);
 * if (wait > 0) res.status(429).set('Retry-After', String(wait));
 */
export async function secondsToWait(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
  }
}
