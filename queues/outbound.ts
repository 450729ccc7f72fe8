import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelRegistry } from '../bot/channel-registry';
import type { ChannelAdapter, ConversationRef, SendProgress } from '../bot/channel';
import { AppError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import { OrderedQueue } from './ordered-queue';
import { RateLimiter } from './rate-limiter';
import { inSpan, SpanKind, type TraceCarrier } from '../bot/trace-context';

/** One turn's replies (or one proactive message) for one conversation. */
export interface OutboundItem {
  ref: ConversationRef;
  activities: Partial<Activity>[];
  /** The trace of the turn that wrote these replies (bot/trace-context.ts); absent when nothing is traced. */
  trace?: TraceCarrier;
}

/**
 * Replies leave in order per conversation, with exponential backoff on retryable channel failures,
 * through one queue per channel: a process works only the queues of channels it can send through
 * (Baileys' one socket lives in one process), and each platform's rate limit applies to its own queue.
 */
export class OutboundQueues {
  private readonly queues = new Map<string, OrderedQueue<OutboundItem>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: {
      /** BullMQ's own connection for the queues (see OrderedQueueOptions.bullConnection). */
      bullConnection?: Redis;
      lockMs?: number;
      /** Where the queues' `error` events go. */
      log?: Logger;
      /** Delivery attempts before a reply is abandoned, and the first retry's delay (tests shorten them). @defaultValue 8, 1_000 */
      maxTries?: number;
      backoffMs?: number;
    } = {},
  ) {}

  /** The queue of one channel (created on first use). */
  of(channel: string): OrderedQueue<OutboundItem> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new OrderedQueue<OutboundItem>(this.redis, {
        name: `outbound-${channel}`, prefix: this.prefix, bullConnection: this.options.bullConnection, lockMs: this.options.lockMs,
        log: this.options.log, maxTries: this.options.maxTries ?? 8, attempts: 10, backoffMs: this.options.backoffMs ?? 1_000,
      });
      this.queues.set(channel, q);
    }
    return q;
  }

  /** Queues `item` behind the conversation's earlier replies; see OrderedQueue.push for `dedupeId`. */
  push(key: string, item: OutboundItem, dedupeId?: string): Promise<boolean> {
    return this.of(item.ref.channel).push(key, item, dedupeId);
  }

  /** The Redis list of a conversation's waiting replies (see ChannelAdapter.sendInline). */
  mailboxOf(channel: string, key: string): string {
    return this.of(channel).mailboxOf(key);
  }

  all(): OrderedQueue<OutboundItem>[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

/** How a delivery reaches the channel: its queued `send`, or (turn worker) its `sendInline` behind a guard. */
export type Via = { progress?: SendProgress } | { inlineUnless: string };

/**
 * Sends one item through its channel. A permanent failure (blocked bot, unknown chat) is logged and
 * dropped so it cannot hold back the conversation's later replies; a retryable one is thrown. Returns
 * false only when an inline send was refused because earlier replies wait in the outbound queue.
 */
export function deliver(channels: ChannelRegistry, item: OutboundItem, metrics: Metrics, log: Logger, via: Via = {}): Promise<boolean> {
  const attributes = { 'citybot.channel': item.ref.channel, 'citybot.activities': item.activities.length };
  return inSpan(`${item.ref.channel} send`, { kind: SpanKind.PRODUCER, parent: item.trace, attributes }, () => deliverNow(channels, item, metrics, log, via));
}

async function deliverNow(channels: ChannelRegistry, { ref, activities }: OutboundItem, metrics: Metrics, log: Logger, via: Via): Promise<boolean> {
  try {
    const channel = channels.require(ref.channel);
    if ('inlineUnless' in via) {
      if (!(await channel.sendInline!(ref, activities, via.inlineUnless))) return false;
    } else {
      await channel.send(ref, activities, via.progress);
    }
    metrics.messages.inc({ channel: ref.channel, direction: 'out' }, activities.length);
  } catch (err) {
    const permanent = err instanceof AppError && !err.retryable;
    metrics.sendFailures.inc({ channel: ref.channel, code: err instanceof AppError ? err.code : 'other', retryable: String(!permanent) });
    if (!permanent) throw err;
    log.error({ err, channel: ref.channel, conversationId: ref.conversationId }, 'reply dropped: permanent delivery failure');
  }
  return true;
}

const PROGRESS_TTL_S = 7 * 86_400;

/** Works the outbound queue of each of `channels`, waiting for the channel's rate limit before each send. */
export function startOutboundWorkers(opts: {
  outbound: OutboundQueues;
  channels: ChannelRegistry;
  /** The channels this process delivers for. */
  serve: readonly ChannelAdapter[];
  /** A dedicated connection per queue worker (BullMQ blocks on it). */
  connection: () => Redis;
  redis: Redis;
  prefix: string;
  metrics: Metrics;
  log: Logger;
  concurrency: number;
}): void {
  const log = opts.log.child({ module: 'queues/outbound' });
  const limiter = new RateLimiter(opts.redis, opts.prefix);
  for (const channel of opts.serve) {
    const limit = channel.rateLimit;
    opts.outbound.of(channel.id).work(opts.connection(), {
      concurrency: opts.concurrency,
      log,
      handle: async (_key, item, { journal, journalKey }) => {
        if (limit) await limiter.take(channel.id, item.ref.conversationId, item.activities.length, limit);
        const progress: SendProgress = {
          delivered: Number(journal ?? 0),
          // Deleted with the item when it leaves the mailbox; the TTL only covers a key abandoned by hand.
          mark: async (count) => void (await opts.redis.set(journalKey, String(count), 'EX', PROGRESS_TTL_S)),
        };
        await deliver(opts.channels, item, opts.metrics, log, { progress });
      },
      onDead: async (_key, { ref }) => {
        opts.metrics.deliveriesAbandoned.inc({ channel: ref.channel });
        log.error({ channel: ref.channel, conversationId: ref.conversationId }, 'reply abandoned after repeated delivery failures');
      },
    });
  }
}
