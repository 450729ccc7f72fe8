import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { logErrorEvents } from '../../bot/error-events';
import { parseNotice, type ConversationStore, type StreamNotice } from './conversation-store';

/** Someone following a conversation's stream (an open WebSocket); woken when new entries may exist. */
export interface Follower {
  readonly conversationId: string;
  /**
   * Must not throw. With a notice whose `previous` entry is the follower's watermark, the follower may
   * send the notice's activities as they are; otherwise it reads from its own watermark, so a spurious
   * or lost wake costs one XRANGE and never drops or repeats an activity.
   */
  wake(notice?: StreamNotice): void;
}

interface Room {
  followers: Set<Follower>;
  /** Settles when SUBSCRIBE for this room's channel is acknowledged. */
  ready: Promise<void>;
}

/**
 * Fans conversation notifications out to this process's open sockets over ONE subscriber connection
 * (`redis.duplicate()`, opened on first use so worker processes never open it).
 * A channel is subscribed while at least one local follower is in that conversation.
 *
 * Notifications carry the appended entries and the id of the entry before them (see APPEND_LUA): a
 * follower at that entry sends them without reading the stream; any other follower re-reads from its
 * own watermark, so a lost or duplicated notification can delay an activity but never drop or repeat one.
 */
export class StreamHub {
  private sub: Redis | undefined;
  private readonly rooms = new Map<string, Room>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly store: ConversationStore,
    private readonly log: Logger,
  ) {}

  /** Adds a follower; resolves once notifications for its conversation will arrive. */
  async join(follower: Follower): Promise<void> {
    if (this.closed) throw new Error('stream hub is closed');
    const channel = this.store.channelOf(follower.conversationId);
    let room = this.rooms.get(channel);
    if (!room) {
      const fresh: Room = { followers: new Set(), ready: Promise.resolve() };
      fresh.ready = this.subscriber()
        .subscribe(channel)
        .then(
          () => undefined,
          (err: unknown) => {
            // Forget the failed room so the next socket retries SUBSCRIBE instead of inheriting the failure.
            if (this.rooms.get(channel) === fresh) this.rooms.delete(channel);
            throw err;
          },
        );
      this.rooms.set(channel, fresh);
      room = fresh;
    }
    room.followers.add(follower);
    await room.ready;
  }

  leave(follower: Follower): void {
    const channel = this.store.channelOf(follower.conversationId);
    const room = this.rooms.get(channel);
    if (!room?.followers.delete(follower) || room.followers.size > 0) return;
    this.rooms.delete(channel);
    // Commands on one connection run in order: a later SUBSCRIBE for the same channel lands after this.
    this.sub?.unsubscribe(channel).catch((err: unknown) => this.log.error({ err, channel }, 'webchat unsubscribe failed'));
  }

  /** Number of conversations this process follows (for metrics and tests). */
  get size(): number {
    return this.rooms.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rooms.clear();
    const sub = this.sub;
    this.sub = undefined;
    if (sub && sub.status !== 'end') await sub.quit();
  }

  private subscriber(): Redis {
    if (this.sub) return this.sub;
    const sub = this.redis.duplicate();
    sub.on('message', (channel: string, message: string) => {
      const followers = this.rooms.get(channel)?.followers;
      if (!followers) return;
      const notice = parseNotice(message);
      for (const f of followers) f.wake(notice);
    });
    // After a reconnect ioredis resubscribes, but notifications sent meanwhile are gone: catch up from the streams.
    sub.on('ready', () => {
      for (const room of this.rooms.values()) for (const f of room.followers) f.wake();
    });
    logErrorEvents(sub, 'webchat subscriber', this.log);
    this.sub = sub;
    return sub;
  }
}
