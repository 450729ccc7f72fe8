import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelCapabilities, ConversationRef, Ingest } from '../../bot/channel';
import { AppError, ChannelUnavailableError } from '../../bot/errors';
import type { ConversationStore } from './conversation-store';
import { InFlight } from '../../bot/in-flight';
import { personalConversation } from '../../bot/activity';
import { renderText } from '../render';

/**
 * The web chat as a ChannelAdapter. `send` needs only Redis, so it works in any process (a worker
 * that never serves HTTP included): it appends the bot's activities to the conversation's stream,
 * and whichever web process holds the citizen's socket pushes them.
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities: ChannelCapabilities = Object.freeze({
    maxButtons: 10,
    maxListRows: 0,
    choices: 'buttons',
    maxButtonTitle: 200,
    markup: 'markdown',
    typing: true,
    images: true,
    location: true,
    maxTextLength: 10_000,
  });
  private ingest: Ingest | undefined;
  private readonly inFlight = new InFlight();

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
   * Text goes out as CommonMark with hard line breaks (channels/render `markdown`).
   * Throws UnknownConversationError (not retryable) when the conversation does not exist or expired,
   * ChannelUnavailableError (retryable) when Redis fails.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[]): Promise<void> {
    await this.inFlight.track(this.deliver(ref, activities));
  }

  /** See ChannelAdapter.sendInline: the same append, refused while `idleWhenEmpty` holds anything. */
  async sendInline(ref: ConversationRef, activities: Partial<Activity>[], idleWhenEmpty: string): Promise<boolean> {
    return this.inFlight.track(this.deliver(ref, activities, idleWhenEmpty));
  }

  /** Stops ingesting; waits for sends in flight. `send` keeps working afterwards (it needs only Redis). */
  async stop(): Promise<void> {
    this.ingest = undefined;
    await this.inFlight.settled();
  }

  private async deliver(ref: ConversationRef, activities: Partial<Activity>[], idleWhenEmpty?: string): Promise<boolean> {
    if (activities.length === 0) return true;
    const conversationId = ref.conversationId;
    const now = new Date();
    const stamped = activities.map((a): Partial<Activity> => ({
      ...a,
      // Web Chat reads CommonMark, where a lone newline is a space: the bot's new lines become hard breaks.
      ...(typeof a.text === 'string' ? { text: renderText(a.text, this.capabilities.markup), textFormat: 'markdown' } : {}),
      type: a.type ?? 'message',
      timestamp: now,
      channelId: 'webchat',
      conversation: personalConversation(conversationId),
      from: { id: 'bot', role: 'bot', name: a.from?.name ?? '' },
    }));
    try {
      // A turn's reply ids are its inbound message's id and their position (turns/queue-adapter), so the first
      // one names the batch whichever run of the turn produced it: a batch delivered again (from the journal
      // after a worker crash, or by a worker that stalled past its lock) is recognised and not shown twice.
      const batchId = activities[0]?.id;
      const result = await this.store.append(conversationId, stamped, { assignIds: true, toUser: true, batchId, idleWhenEmpty });
      return result.status !== 'busy';
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.log.warn({ err, conversationId }, 'webchat send failed');
      throw new ChannelUnavailableError(`webchat send to ${conversationId} failed`, { cause: err });
    }
  }
}
