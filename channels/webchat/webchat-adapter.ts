import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelCapabilities, ConversationRef, Ingest } from '../../bot/channel';
import { AppError, ChannelUnavailableError, UnknownConversationError } from '../../bot/errors';
import type { ConversationStore } from './conversation-store';

/**
 * The web chat as a ChannelAdapter. `send` needs only Redis, so it works in any process (a worker
 * that never serves HTTP included): it appends the bot's activities to the conversation's stream,
 * and whichever web process holds the citizen's socket pushes them.
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities: ChannelCapabilities = Object.freeze({
    maxButtons: 10,
    markdown: true,
    images: true,
    location: true,
    maxTextLength: 10_000,
    inlineDelivery: true,
  });
  private ingest: Ingest | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: ConversationStore,
    private readonly log: Logger,
  ) {}

  async start(ingest: Ingest): Promise<void> {
    this.ingest = ingest;
  }

  /** The ingest function while started; the HTTP side answers 503 otherwise. */
  currentIngest(): Ingest | undefined {
    return this.ingest;
  }

  /**
   * Appends the activities, in order, as the bot (`from: { id: 'bot', role: 'bot' }`, with `from.name`
   * kept so an agent's name shows), with Direct Line ids and server timestamps; keeps `replyToId`.
   * Throws UnknownConversationError (not retryable) when the conversation does not exist or expired,
   * ChannelUnavailableError (retryable) when Redis fails.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[]): Promise<void> {
    const run = this.deliver(ref, activities);
    this.inFlight.add(run);
    try {
      await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /** Stops ingesting; waits for sends in flight. `send` keeps working afterwards (it needs only Redis). */
  async stop(): Promise<void> {
    this.ingest = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(ref: ConversationRef, activities: Partial<Activity>[]): Promise<void> {
    if (activities.length === 0) return;
    const conversationId = ref.conversationId;
    try {
      const meta = await this.store.get(conversationId);
      if (!meta) throw new UnknownConversationError(`webchat conversation ${conversationId} does not exist or expired`);
      const ids = await this.store.nextIds(conversationId, activities.length);
      const now = new Date();
      const stamped = activities.map((a, i): Partial<Activity> => ({
        ...a,
        type: a.type ?? 'message',
        id: ids[i],
        timestamp: now,
        channelId: 'webchat',
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: 'bot', role: 'bot', name: a.from?.name ?? '' },
        recipient: { id: meta.userId, role: 'user', name: '' },
        ...(a.replyToId ? { replyToId: a.replyToId } : {}),
      }));
      // The first reply's id comes from the turn that produced the batch (and its journal): a batch
      // delivered again after a worker crash is recognised and not shown twice.
      await this.store.appendOnce(conversationId, stamped, activities[0]?.id ?? ids[0]!);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.log.warn({ err, conversationId }, 'webchat send failed');
      throw new ChannelUnavailableError(`webchat send to ${conversationId} failed`, { cause: err });
    }
  }
}
