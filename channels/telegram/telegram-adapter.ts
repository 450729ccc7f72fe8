import type { Activity } from 'botbuilder';
import type { RateLimit } from '../../queues/rate-limiter';
import type { SendProgress, ChannelAdapter, ChannelHealth, ConversationRef, Ingest } from '../../bot/channel';
import { TELEGRAM_CAPABILITIES } from './telegram-capabilities';
import type { TelegramReceiver } from './telegram-receiver';
import type { TelegramSender } from './telegram-sender';
import { InFlight } from '../../bot/in-flight';

/**
 * Telegram as a ChannelAdapter. `send` needs only the Bot API and Redis, so it works in a worker that
 * never receives; a process without a receiver (ROLE=worker) sends only.
 */
export class TelegramAdapter implements ChannelAdapter {
  readonly id = 'telegram' as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  /** Telegram's published limits: about 30 messages per second overall (more with paid broadcasts), one per second per chat. */
  readonly rateLimit: RateLimit;
  private readonly inFlight = new InFlight();

  constructor(
    private readonly sender: TelegramSender,
    private readonly receiver: TelegramReceiver | undefined,
    perSecond = 30,
  ) {
    this.rateLimit = { perSecond, perChatGapMs: 1_000 };
  }

  /** Starts receiving (polling, or registering the webhook) when this process receives. */
  async start(ingest: Ingest): Promise<void> {
    await this.receiver?.start(ingest);
  }

  /**
   * Delivers in order. Throws UnknownConversationError when the citizen blocked the bot or the chat
   * is gone, ChannelUnavailableError (retryable) on 429, 5xx or a network failure, DeliveryRejectedError
   * for a request Telegram will never accept.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    await this.inFlight.track(this.sender.send(ref, activities, progress));
  }

  /** Stops receiving and waits for sends in flight. Safe to call twice. */
  async stop(): Promise<void> {
    await this.receiver?.stop();
    await this.inFlight.settled();
  }

  health(): ChannelHealth {
    return this.receiver?.health() ?? { ok: true };
  }
}
