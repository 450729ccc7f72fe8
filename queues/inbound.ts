import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { Ingest } from '../bot/channel';
import { conversationKey } from '../bot/conversation-key';
import { BadInputError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import { isSentinel } from '../bot/redis';
import { holdKeyOf } from '../handoff/hold-key';
import { OrderedQueue } from './ordered-queue';
import { inSpan, SpanKind, traceCarrier, type TraceCarrier } from '../bot/trace-context';

/** What waits in a conversation's inbound mailbox. */
export interface InboundItem {
  activity: Partial<Activity>;
  /** ms since epoch when the channel handed it over; turn latency is measured from here. */
  receivedAt: number;
  /** The trace the turn continues (bot/trace-context.ts); absent when nothing is traced. */
  trace?: TraceCarrier;
}


export function createInboundQueue(redis: Redis, prefix: string, bullConnection?: Redis, log?: Logger): OrderedQueue<InboundItem> {
  return new OrderedQueue<InboundItem>(redis, {
    name: 'inbound', prefix, bullConnection, log, maxTries: 5,
    // Each message is read together with its conversation's handoff hold (see handoff/hold-key).
    sideKeyOf: (key) => holdKeyOf(prefix, key),
    // With Sentinel (high availability), a channel is told "received" only once a replica has the
    // message too, so that a failover cannot lose it. Without, the one server is all there is.
    ...(isSentinel(redis) ? { replicas: { replicas: 1 } } : {}),
  });
}

/**
 * The only entry point channels call. The activity is in Redis when this resolves (with Sentinel, on a
 * replica too), so a channel may acknowledge its platform afterwards; a platform message id seen before is dropped.
 */
export function createIngest(inbound: OrderedQueue<InboundItem>): Ingest {
  return async (activity) => {
    if (!activity.channelId || !activity.conversation?.id || !activity.id || !activity.from?.id || !activity.type) {
      throw new BadInputError('an inbound activity needs type, id, channelId, conversation.id and from.id');
    }
    const { channelId, id } = activity;
    // The trace starts here, where the channel hands the message over, and goes on in the worker's turn.
    return inSpan(`${channelId} receive`, { kind: SpanKind.PRODUCER, attributes: { 'citybot.channel': channelId } }, async () => {
      const trace = traceCarrier();
      const queued = await inbound.push(conversationKey(channelId, activity.conversation!.id!), { activity, receivedAt: Date.now(), ...(trace ? { trace } : {}) }, `${channelId}|${id}`);
      return { id, duplicate: !queued };
    });
  };
}
