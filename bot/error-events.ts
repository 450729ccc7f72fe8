import type { Logger } from './logger';

/** Anything that reports failures as `error` events: an ioredis client, a BullMQ Queue, Worker or QueueEvents. */
export interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface ErrorEventOptions {
  /** At most one line per this many ms for this object; the next line says how many were left out. @defaultValue 10_000 */
  everyMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Logs an object's `error` events as structured lines, at most one every 10 s per object.
 *
 * Every Redis connection and BullMQ object gets one (see bot/redis.ts `connectRedis`): without a
 * listener, ioredis prints "[ioredis] Unhandled error event" with a stack to stderr and BullMQ prints
 * the raw error, once per reconnect attempt, for as long as Redis is down. The objects reconnect by
 * themselves and commands wait for them, so an error here is news to operators, not something to act on
 * per event: one line per object per 10 s names what is failing without burying everything else.
 */
export function logErrorEvents(emitter: ErrorEmitter, connection: string, log: Logger, opts: ErrorEventOptions = {}): void {
  const everyMs = opts.everyMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let lastAt: number | undefined;
  let suppressed = 0;
  emitter.on('error', (err) => {
    const at = now();
    if (lastAt !== undefined && at - lastAt < everyMs) {
      suppressed++;
      return;
    }
    lastAt = at;
    log.error({ err, connection, ...(suppressed > 0 ? { suppressed } : {}) }, 'Redis connection or queue error');
    suppressed = 0;
  });
}
