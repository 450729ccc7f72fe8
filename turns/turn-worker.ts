import type { Activity, TurnContext } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelId } from '../bot/activity';
import type { ChannelRegistry } from '../bot/channel-registry';
import type { CitizenDirectory } from './citizen-directory';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import type { QueueAdapter } from './queue-adapter';
import type { RedisStorage } from './redis-storage';
import { LockLostError } from '../bot/errors';
import { stateKeysOf, TURN_STORE, TurnStore } from './turn-state';
import type { TranscriptEntry } from '../bot/sql/history-store';
import type { InboundItem } from '../queues/inbound';
import type { Drained, OrderedQueue } from '../queues/ordered-queue';
import { deliver, type OutboundItem, type OutboundQueues } from '../queues/outbound';
import type { TranscriptOutbox } from '../queues/transcript-outbox';
import { inSpan, SpanKind, traceCarrier } from '../bot/trace-context';
import { renderText } from '../channels/render';

export interface TurnWorkerDeps {
  inbound: OrderedQueue<InboundItem>;
  outbound: OutboundQueues;
  /** Dedicated connection for the BullMQ worker. */
  connection: Redis;
  adapter: QueueAdapter;
  channels: ChannelRegistry;
  /** Dialog state storage; its writes during a turn are staged and committed with the turn journal. */
  storage: RedisStorage;
  /** The dialog engine: one call per inbound activity. */
  bot: { run(ctx: TurnContext): Promise<void> };
  /** The citizen behind the sender, read ahead with the dialog state (see turns/citizen-directory). */
  citizens: Pick<CitizenDirectory, 'keysOf' | 'resolve'>;
  /** Where a turn's transcript lines go: appended in the turn's commit, flushed to SQL in batches. */
  transcript: Pick<TranscriptOutbox, 'key' | 'encode' | 'nudge'>;
  /** turnState key under which the dialogs find the citizen id. */
  citizenKey: string;
  /** turnState key under which the dialogs find the handoff hold read with the message. */
  holdKey: string;
  /** The polite reply for a message that failed every attempt (see OrderedQueue dead letters). */
  apology: (activity: Partial<Activity>) => Partial<Activity>;
  metrics: Metrics;
  log: Logger;
  concurrency: number;
}

const line = (a: Partial<Activity>, direction: 'in' | 'out', conversationId: string, channel: string, citizenId: string): TranscriptEntry => ({
  channel,
  conversationId,
  citizenId,
  direction,
  activityId: a.id ?? '',
  // The bot's text is CommonMark for the channels; the transcript (what agents read) keeps it as the citizen read it.
  text: direction === 'out' && a.text !== undefined ? renderText(a.text, 'plain') : a.text,
  attachments: a.attachments,
  entities: a.entities,
  at: a.timestamp ? new Date(a.timestamp) : new Date(),
});

/**
 * Delivers a turn's replies from the turn worker itself when the channel can (see
 * ChannelAdapter.sendInline: web chat appends to our own Redis stream); a trip through the outbound
 * queue would cost a second job for a single append. Returns false when the replies must go through
 * the queue: an earlier reply of the conversation waits there (order), or the append failed (the queue
 * retries it with backoff).
 */
async function deliveredInline(deps: TurnWorkerDeps, key: string, item: OutboundItem, log: Logger): Promise<boolean> {
  if (!deps.channels.get(item.ref.channel)?.sendInline) return false;
  try {
    return await deliver(deps.channels, item, deps.metrics, log, { inlineUnless: deps.outbound.mailboxOf(item.ref.channel, key) });
  } catch (err) {
    log.warn({ err, channel: item.ref.channel }, 'inline delivery failed: handing the replies to the outbound queue');
    return false;
  }
}

/**
 * "typing…" while the turn runs, where the channel has it (Telegram, WhatsApp): sent directly and not
 * awaited, so it costs the turn nothing and precedes the replies, which leave after the turn through
 * the outbound queue. Best effort: a failure costs only the dots. Web chat answers within milliseconds.
 */
function showTyping(deps: TurnWorkerDeps, activity: Partial<Activity>, log: Logger): void {
  const channel = deps.channels.get(activity.channelId ?? '');
  if (activity.type !== 'message' || !channel?.capabilities.typing || channel.sendInline) return;
  const ref = { channel: channel.id, conversationId: activity.conversation!.id, userId: activity.from!.id };
  channel.send(ref, [{ type: 'typing' }]).catch((err: unknown) => log.debug({ err, channel: channel.id }, 'typing indicator failed'));
}

/** What the turn journal holds: the replies of the message it was written for. */
interface TurnJournal { id: string; replies: Partial<Activity>[] }

/** A journal entry outlives its message only if the worker dies between commit and pop; then it is needed within the lock time. */
const JOURNAL_TTL_MS = 3_600_000;

/**
 * Runs the dialog engine for each inbound message, in order per conversation, and delivers its replies.
 *
 * Read this before changing: a worker can die at any instruction. The turn's state writes are staged and
 * committed in ONE Redis call together with a journal entry holding the turn's replies and the turn's
 * transcript lines (queues/transcript-outbox moves them to SQL in batches). A message that
 * is run again (its worker died before popping it) finds its journal entry and re-delivers the recorded
 * replies instead of running the dialog against state that has already moved on. Delivery is idempotent
 * (reply ids are the inbound message id and the reply's position, see QueueAdapter: web chat dedupes a
 * batch by its first reply's id, the outbound queue by the inbound message id), and the journal entry is
 * deleted atomically with the message when it leaves the mailbox.
 *
 * A worker can also freeze (GC or VM pause, a network cut) past its conversation's lock and resume after
 * another worker took the conversation over (issue 12 part 8). So the commit and the push to the outbound
 * queue are fenced by the lock (Drained.fence: refused in the same Lua call when the lock is no longer
 * this turn's), and nothing is delivered once the worker knows it lost the lock: a stale turn commits,
 * sends and pops nothing (LockLostError ends it), and the new holder answers the message exactly once.
 */
export function startTurnWorker(deps: TurnWorkerDeps) {
  const log = deps.log.child({ module: 'turns/turn-worker' });
  return deps.inbound.work(deps.connection, {
    concurrency: deps.concurrency,
    log,
    handle: (key, item, drained) =>
      // The trace begun where the channel received the message goes on here, in whichever process.
      inSpan('turn', { kind: SpanKind.CONSUMER, parent: item.trace, attributes: { 'citybot.channel': item.activity.channelId ?? 'unknown' } }, () =>
        runTurn(key, item, drained),
      ).catch((err: unknown) => {
        // A lost lock is not a failure: the new holder answers (see LockLostError).
        if (!(err instanceof LockLostError)) deps.metrics.turnsFailed.inc({ channel: item.activity.channelId ?? 'unknown' });
        throw err;
      }),
    onDead: async (key, { activity }) => {
      deps.metrics.turnsDead.inc({ channel: activity.channelId ?? 'unknown' });
      const ref = { channel: activity.channelId as ChannelId, conversationId: activity.conversation!.id, userId: activity.from?.id };
      await deps.outbound.push(key, { ref, activities: [deps.apology(activity)] }, `${key}|${activity.id}|dead`);
    },
  });

  async function runTurn(key: string, { activity, receivedAt }: InboundItem, { journal, journalKey, side, fence, holds }: Drained): Promise<void> {
    const channel = activity.channelId as ChannelId;
    const conversationId = activity.conversation!.id;
    deps.metrics.messages.inc({ channel, direction: 'in' });
    const recorded = journal === null ? undefined : (JSON.parse(journal) as TurnJournal);
    const rerun = recorded !== undefined && recorded.id === activity.id;
    const store = new TurnStore(deps.storage);
    // Both state keys and the sender's citizen are read in one round trip.
    const from = activity.from!;
    const identity = await store.prefetch(stateKeysOf(activity), deps.citizens.keysOf(channel, from.id));
    const citizenId = await deps.citizens.resolve(channel, from.id, from.name, identity);
    let replies: Partial<Activity>[];
    if (rerun) {
      replies = recorded.replies;
      log.warn({ channel, conversationId }, 'message run again after a worker stopped: re-delivering its recorded replies');
    } else {
      showTyping(deps, activity, log);
      const turnState = new Map<string | symbol, unknown>([[deps.citizenKey, citizenId], [TURN_STORE, store]]);
      // The handoff hold, read with the message (OrderedQueue sideKeyOf): null means none.
      if (side !== undefined) turnState.set(deps.holdKey, side === null ? null : JSON.parse(side));
      replies = await deps.adapter.runTurn(activity, (ctx) => deps.bot.run(ctx), turnState);
      const entry: TurnJournal = { id: activity.id ?? '', replies };
      const lines = [
        // A conversation start (conversationUpdate) is not something the citizen said.
        ...(activity.type === 'message' ? [line(activity, 'in', conversationId, channel, citizenId)] : []),
        ...replies.map((r) => line(r, 'out', conversationId, channel, citizenId)),
      ];
      // State, journal and transcript lines in one atomic step (see queues/transcript-outbox).
      await deps.storage.commitJson(
        store.changes,
        { key: journalKey, value: JSON.stringify(entry), ttlMs: JOURNAL_TTL_MS },
        { key: deps.transcript.key, values: deps.transcript.encode(lines) },
        fence,
      );
      if (lines.length > 0) deps.transcript.nudge();
    }
    if (replies.length > 0) {
      // The lock's new holder delivers the journal's replies (and dedupes them against ours, if we were first).
      if (!holds()) throw new LockLostError('lost the conversation lock after the commit: the new holder delivers');
      const ref = { channel, conversationId, userId: activity.from!.id, locale: replies[0]?.locale ?? activity.locale };
      const trace = traceCarrier();
      const item: OutboundItem = { ref, activities: replies, ...(trace ? { trace } : {}) };
      if (!(await deliveredInline(deps, key, item, log))) await deps.outbound.of(channel).push(key, item, `${key}|${activity.id}`, fence);
    }
    deps.metrics.turnSeconds.observe({ channel }, (Date.now() - receivedAt) / 1_000);
  }
}
