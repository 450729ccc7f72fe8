/**
 * A lock as one holder holds it: a write made on the strength of that lock names it, and the Lua script
 * doing the write checks, in the same call, that the lock still holds `token` (a fencing token). A holder
 * that stalled (GC or VM pause, a Redis connection whose commands waited in ioredis's offline queue) past
 * the lock's expiry and resumed after another holder took over is refused instead of acting on stale state.
 *
 * @example
 * // KEYS[1] = fence.key, ARGV[1] = fence.token
 * // if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
 */
export interface Fence {
  /** The Redis key of the lock. */
  readonly key: string;
  /** The value the lock holds while this holder has it. */
  readonly token: string;
}
