import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelRegistry } from '../bot/channel-registry';
import type { ConversationRef } from '../bot/channel';
import { AppError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import { OrderedQueue } from './ordered-queue';

/** One turn's replies (or one proactive message) for one conversation. */
export interface OutboundItem {
  ref: ConversationRef;
  activities: Partial<Activity>[];
}

/** Replies leave in order per conversation, with exponential backoff on retryable channel failures. */
export function createOutboundQueue(redis: Redis, prefix: string, bullConnection?: Redis, lockMs?: number): OrderedQueue<OutboundItem> {
  return new OrderedQueue<OutboundItem>(redis, { name: 'outbound', prefix, bullConnection, lockMs, maxTries: 8, attempts: 10, backoffMs: 1_000 });
}

/**
 * Sends one item through its channel. A permanent failure (blocked bot, unknown chat) is logged and
 * dropped so it cannot hold back the conversation's later replies; a retryable one is thrown.
 */
export async function deliver(channels: ChannelRegistry, { ref, activities }: OutboundItem, metrics: Metrics, log: Logger): Promise<void> {
  try {
    await channels.require(ref.channel).send(ref, activities);
    metrics.messages.inc({ channel: ref.channel, direction: 'out' }, activities.length);
  } catch (err) {
    if (err instanceof AppError && !err.retryable) {
      log.error({ err, channel: ref.channel, conversationId: ref.conversationId }, 'reply dropped: permanent delivery failure');
      return;
    }
    throw err;
  }
}

export function startOutboundWorker(opts: {
  outbound: OrderedQueue<OutboundItem>;
  connection: Redis;
  channels: ChannelRegistry;
  metrics: Metrics;
  log: Logger;
  concurrency: number;
}) {
  const log = opts.log.child({ module: 'queues/outbound' });
  return opts.outbound.work(opts.connection, {
    concurrency: opts.concurrency,
    log,
    handle: (_key, item) => deliver(opts.channels, item, opts.metrics, log),
    onDead: async (_key, { ref }) => {
      log.error({ channel: ref.channel, conversationId: ref.conversationId }, 'reply abandoned after repeated delivery failures');
    },
  });
}
