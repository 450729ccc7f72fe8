import type { Activity, TurnContext } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelId } from '../bot/activity';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import type { QueueAdapter } from '../bot/queue-adapter';
import type { InboundItem } from './inbound';
import type { OrderedQueue } from './ordered-queue';
import type { OutboundItem } from './outbound';

/** One line of the transcript agents read (see bot/sql/history-store). */
export interface TranscriptLine {
  channel: string;
  conversationId: string;
  citizenId: string;
  direction: 'in' | 'out';
  activityId: string;
  text?: string;
  attachments?: unknown[];
  entities?: unknown[];
  at: Date;
}

export interface TurnWorkerDeps {
  inbound: OrderedQueue<InboundItem>;
  outbound: OrderedQueue<OutboundItem>;
  connection: Redis;
  adapter: QueueAdapter;
  /** The dialog engine: one call per inbound activity. */
  bot: { run(ctx: TurnContext): Promise<void> };
  citizens: { citizenFor(channel: string, channelUserId: string, displayName?: string): Promise<string> };
  transcript: { recordMessages(lines: TranscriptLine[]): Promise<void> };
  /** turnState key under which the dialogs find the citizen id. */
  citizenKey: string;
  /** The polite reply for a message that failed every attempt (see OrderedQueue dead letters). */
  apology: (activity: Partial<Activity>) => Partial<Activity>;
  metrics: Metrics;
  log: Logger;
  concurrency: number;
}

const line = (a: Partial<Activity>, direction: 'in' | 'out', conversationId: string, channel: string, citizenId: string): TranscriptLine => ({
  channel,
  conversationId,
  citizenId,
  direction,
  activityId: a.id ?? '',
  text: a.text,
  attachments: a.attachments,
  entities: a.entities,
  at: a.timestamp ? new Date(a.timestamp) : new Date(),
});

/**
 * Runs the dialog engine for each inbound message, in order per conversation, and queues its replies.
 * The outbound push is deduplicated by the inbound message id, so a turn re-run after a crash does not
 * send its replies twice.
 */
export function startTurnWorker(deps: TurnWorkerDeps) {
  const log = deps.log.child({ module: 'queues/turn-worker' });
  return deps.inbound.work(deps.connection, {
    concurrency: deps.concurrency,
    log,
    handle: async (key, { activity, receivedAt }) => {
      const channel = activity.channelId as ChannelId;
      const conversationId = activity.conversation!.id;
      deps.metrics.messages.inc({ channel, direction: 'in' });
      const citizenId = await deps.citizens.citizenFor(channel, activity.from!.id, activity.from!.name);
      const replies = await deps.adapter.runTurn(activity, (ctx) => deps.bot.run(ctx), new Map([[deps.citizenKey, citizenId]]));
      if (replies.length > 0) {
        const ref = { channel, conversationId, userId: activity.from!.id, locale: replies[0]?.locale ?? activity.locale };
        await deps.outbound.push(key, { ref, activities: replies }, `${key}|${activity.id}`);
      }
      deps.metrics.turnSeconds.observe({ channel }, (Date.now() - receivedAt) / 1_000);
      await deps.transcript.recordMessages([
        line(activity, 'in', conversationId, channel, citizenId),
        ...replies.map((r) => line(r, 'out', conversationId, channel, citizenId)),
      ]);
    },
    onDead: async (key, { activity }) => {
      const ref = { channel: activity.channelId as ChannelId, conversationId: activity.conversation!.id, userId: activity.from?.id };
      await deps.outbound.push(key, { ref, activities: [deps.apology(activity)] }, `${key}|${activity.id}|dead`);
    },
  });
}
