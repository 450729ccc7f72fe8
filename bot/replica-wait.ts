import type { Redis } from 'ioredis';
import { DependencyUnavailableError } from './errors';
import type { Logger } from './logger';

export interface ReplicaWaitOptions {
  /** Replicas that must have a write before it is acknowledged. @defaultValue 1 */
  replicas?: number;
  /** Longest wait; a write not on enough replicas by then is acknowledged anyway, and logged. @defaultValue 1_000 */
  timeoutMs?: number;
  /**
   * After a wait that timed out (a replica is down or resyncing), writes are acknowledged without
   * waiting for this long: WAIT blocks the whole connection, so waiting out the timeout on every tick
   * would stall everything else on it. @defaultValue 10_000
   */
  pauseMs?: number;
  log: Logger;
}

/** Tries of one write when every try sees the connection reconnect: a failover takes one or two. */
const MAX_TRIES = 5;

/**
 * Makes a write survive a Redis failover before it is acknowledged (Redis `WAIT`).
 *
 * Redis replicates asynchronously: a write the master acknowledged and then lost in a crash is missing on
 * the replica the sentinels promote. `WAIT n ms` blocks until `n` replicas have every write this
 * connection made so far. Callers in the same tick share one WAIT: it blocks the connection (the
 * auto-pipelined commands behind it too) for about one round trip to a replica.
 *
 * A failover can also happen between the write and the WAIT: the write went to the old master, and the
 * WAIT, resent after the reconnection, to the new one, where it proves nothing. So a write whose
 * connection reconnected meanwhile is made again on the new master; `write` must be idempotent.
 */
export class ReplicaWait {
  private readonly replicas: number;
  private readonly timeoutMs: number;
  private readonly pauseMs: number;
  /** Counts the connection's `ready` events: changes when it reconnected (maybe to another master). */
  private incarnation = 0;
  private batch: Promise<void> | undefined;
  private pausedUntil = 0;

  constructor(private readonly redis: Redis, private readonly opts: ReplicaWaitOptions) {
    this.replicas = opts.replicas ?? 1;
    this.timeoutMs = opts.timeoutMs ?? 1_000;
    this.pauseMs = opts.pauseMs ?? 10_000;
    redis.on('ready', () => this.incarnation++);
  }

  /**
   * Runs `write` and resolves with its first result once the write is on the replicas, made again if the
   * connection reconnected meanwhile (so `write` must change nothing the second time when the first
   * copy survived, e.g. a push deduped by id).
   */
  async durably<R>(write: () => Promise<R>): Promise<R> {
    let first: { value: R } | undefined;
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      const incarnation = this.incarnation;
      const value = await write();
      first ??= { value };
      await this.replicated();
      if (this.incarnation === incarnation) return first.value;
    }
    throw new DependencyUnavailableError(`Redis reconnected during each of ${MAX_TRIES} tries: the write may not be on a replica`);
  }

  /** Resolves once the replicas have this connection's writes so far (or the wait timed out, or is paused). */
  private replicated(): Promise<void> {
    if (Date.now() < this.pausedUntil) return Promise.resolve();
    // Issued on the next turn of the event loop, after every write that completed in this one.
    return (this.batch ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.batch = undefined;
      return this.wait();
    }));
  }

  private async wait(): Promise<void> {
    const acked = Number(await this.redis.call('WAIT', this.replicas, this.timeoutMs));
    if (acked >= this.replicas) return;
    this.pausedUntil = Date.now() + this.pauseMs;
    this.opts.log.warn({ acked, wanted: this.replicas, timeoutMs: this.timeoutMs, pauseMs: this.pauseMs },
      'Redis replicas did not confirm a write in time: acknowledging writes without them for a while');
  }
}
