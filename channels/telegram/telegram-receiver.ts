import type { Logger } from 'pino';
import type { Telegraf } from 'telegraf';
import type { ChannelHealth, Ingest } from '../../bot/channel';
import { AppError, ChannelUnavailableError } from '../../bot/errors';
import type { BotApi } from './bot-api';
import type { TelegramInbound } from './telegram-inbound';
import { TelegramUpdateSchema, type TelegramUpdate } from './telegram-update';
import { toAppError } from './telegram-errors';

/** How updates arrive: long polling (one process only), or a webhook Telegram calls with a secret. */
export type ReceiveMode = { kind: 'polling' } | { kind: 'webhook'; url: string; secret: string };

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Waits between attempts to store an update while Redis (or Telegram, for a photo) is unreachable. */
const RETRY_DELAYS_MS = [250, 1_000, 2_000, 5_000, 10_000];

/**
 * Receives updates and hands each to TelegramInbound, one at a time per chat, in arrival order (a
 * photo being downloaded must not let the text sent after it overtake it).
 *
 * An update is acknowledged only once stored. Webhook: the handler answers 503 and Telegram delivers
 * again. Polling: Telegraf asks for the next batch only after this one is handled, so a failed update
 * is retried here until it is stored or the channel stops.
 */
export class TelegramReceiver {
  private ingest: Ingest | undefined;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private state: ChannelHealth = { ok: true };
  private readonly chains = new Map<number, Promise<void>>();
  private readonly wake = new AbortController();

  constructor(
    private readonly bot: Telegraf,
    private readonly api: BotApi,
    private readonly inbound: TelegramInbound,
    readonly mode: ReceiveMode,
    private readonly log: Logger,
  ) {
    bot.use((ctx) => this.untilStored(ctx.update));
    bot.catch((err) => this.log.error({ err: toAppError(err, 'update') }, 'telegram update dropped'));
  }

  async start(ingest: Ingest): Promise<void> {
    this.ingest = ingest;
    if (this.mode.kind === 'webhook') {
      await this.api.call('setWebhook', { url: this.mode.url, secret_token: this.mode.secret, allowed_updates: [...ALLOWED_UPDATES] });
      this.log.info({ mode: 'webhook' }, 'telegram webhook registered');
    } else {
      this.polling = this.poll();
    }
  }

  /** Stops polling, then waits for the updates being handled. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake.abort();
    if (this.polling) {
      try {
        this.bot.stop('channel stopped');
      } catch {
        // "Bot is not running!": polling had not started or had already ended; nothing to stop.
      }
      await this.polling;
    }
    await Promise.allSettled([...this.chains.values()]);
    this.ingest = undefined;
  }

  health(): ChannelHealth {
    return this.state;
  }

  /**
   * One delivery of an update (the webhook path): stored, or thrown. Throws ZodError for a body that
   * is not an update, a non-retryable AppError for what no retry will fix, ChannelUnavailableError
   * (or another retryable error) when Telegram should deliver it again.
   */
  async handleOnce(raw: unknown): Promise<void> {
    const update = TelegramUpdateSchema.parse(raw);
    await this.inOrder(chatOf(update), () => this.store(update));
  }

  /**
   * The polling path: retried while the failure is retryable and the channel runs, inside the chat's
   * turn, so the chat's next update waits for this one.
   */
  private async untilStored(raw: unknown): Promise<void> {
    const parsed = TelegramUpdateSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'telegram update ignored: unexpected shape');
      return;
    }
    const update = parsed.data;
    await this.inOrder(chatOf(update), async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.store(update);
          return;
        } catch (err) {
          const retryable = !(err instanceof AppError) || err.retryable;
          if (!retryable || this.stopped) throw err;
          this.log.warn({ err, attempt }, 'telegram update not stored yet: retrying');
          await this.sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!);
        }
      }
    });
  }

  private async store(update: TelegramUpdate): Promise<void> {
    const ingest = this.ingest;
    if (!ingest || this.stopped) throw new ChannelUnavailableError('the telegram channel is not receiving');
    await this.inbound.handle(update, ingest);
  }

  /** Runs `fn` after the chat's previous update; a failure does not block the chat's next one. */
  private inOrder(chatId: number | undefined, fn: () => Promise<void>): Promise<void> {
    if (chatId === undefined) return fn();
    const run = (this.chains.get(chatId) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.chains.set(chatId, tail);
    void tail.then(() => {
      if (this.chains.get(chatId) === tail) this.chains.delete(chatId);
    });
    return run;
  }

  /** Long polling, started again after a failure to start (Telegram unreachable, another poller: 409). */
  private async poll(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => {
          this.state = { ok: true };
          this.log.info({ mode: 'polling' }, 'telegram polling started');
        });
        return;
      } catch (err) {
        if (this.stopped) return;
        const e = toAppError(err, 'getUpdates');
        this.state = { ok: false, detail: `telegram polling failed (${e.message}); retrying` };
        this.log.error({ err: e }, 'telegram polling failed; retrying in 5 s');
        await this.sleep(5_000);
      }
    }
  }

  /** Waits `ms`, or less when the channel stops meanwhile. */
  private sleep(ms: number): Promise<void> {
    const signal = this.wake.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}

function chatOf(update: TelegramUpdate): number | undefined {
  return update.message?.chat.id ?? update.callback_query?.message?.chat.id;
}
