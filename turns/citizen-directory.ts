import type { Redis } from 'ioredis';
import type { HistoryStore } from '../bot/sql/history-store';

/** A copy lives a day after its last miss; idle identities leave Redis. */
const COPY_TTL_S = 86_400;

/**
 * Which citizen a channel identity belongs to, as the turn worker needs it on every message. SQL is the
 * record (HistoryStore.citizenFor); Redis keeps a copy per identity, which a turn reads in the same MGET
 * as its dialog state instead of running a query per message (that query was ~6% of a worker's CPU).
 *
 * Read this before changing: a cross-channel link folds one citizen into another (rare) and then bumps an
 * epoch; every copy is stamped with the epoch read BEFORE the SQL lookup it came from, so a bump voids all
 * copies at once — including one that a turn in flight writes after the bump from a lookup made before it.
 */
export class CitizenDirectory {
  private readonly epochKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly history: Pick<HistoryStore, 'citizenFor'>,
  ) {
    this.epochKey = `${prefix}:citizen:epoch`;
  }

  /** The Redis keys to read ahead for an identity (its copy, the epoch), handed back to `resolve`. */
  keysOf(channel: string, channelUserId: string): string[] {
    return [this.copyKey(channel, channelUserId), this.epochKey];
  }

  /** The citizen id: from the values read ahead when the copy is current, else from SQL (and copied). */
  async resolve(channel: string, channelUserId: string, displayName: string | undefined, [copy, epoch]: ReadonlyArray<string | null>): Promise<string> {
    const current = epoch ?? '0';
    if (copy) {
      const cut = copy.indexOf(' ');
      if (copy.slice(0, cut) === current) return copy.slice(cut + 1);
    }
    const id = await this.history.citizenFor(channel, channelUserId, displayName);
    await this.redis.set(this.copyKey(channel, channelUserId), `${current} ${id}`, 'EX', COPY_TTL_S);
    return id;
  }

  /** Voids every copy: call after SQL changed which citizen an identity belongs to. */
  async changed(): Promise<void> {
    await this.redis.incr(this.epochKey);
  }

  private copyKey(channel: string, channelUserId: string): string {
    return `${this.prefix}:citizen:${channel}:${channelUserId}`;
  }
}
