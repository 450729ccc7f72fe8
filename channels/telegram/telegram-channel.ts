import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Telegraf } from 'telegraf';
import type { ChannelAdapter } from '../../bot/channel';
import type { MediaStore } from '../../bot/media-store';
import { NumberedChoices } from '../render';
import { BotApi } from './bot-api';
import { CallbackData } from './callback-data';
import { TelegramAdapter } from './telegram-adapter';
import { TelegramFiles } from './telegram-files';
import { TelegramInbound } from './telegram-inbound';
import { TelegramReceiver } from './telegram-receiver';
import { TelegramSender } from './telegram-sender';
import { createWebhookRouter } from './webhook-router';

export interface TelegramChannelOptions {
  /** The bot's token from @BotFather (TELEGRAM_BOT_TOKEN). Never logged. */
  token: string;
  /** Bot API root (TELEGRAM_API_ROOT). @defaultValue 'https://api.telegram.org' */
  apiRoot?: string;
  /** Webhook mode (TELEGRAM_WEBHOOK_URL + TELEGRAM_WEBHOOK_SECRET); long polling when absent. */
  webhook?: { url: string; secret: string };
  /** Whether this process receives updates (roles `web` and `all`); a worker only sends. */
  receive: boolean;
  /** Messages per second over all chats (TELEGRAM_RATE_LIMIT). @defaultValue 30, Telegram's free limit */
  perSecond?: number;
  /** Shared command connection; the channel never closes it. */
  redis: Redis;
  /** Key prefix (REDIS_PREFIX). */
  prefix: string;
  /** Where photos and voice notes citizens send are kept. */
  media: MediaStore;
  log: Logger;
}

/** The Telegram channel of one process. */
export interface TelegramChannel {
  adapter: ChannelAdapter;
  /** The webhook endpoint (`POST` at the path of the webhook URL) in webhook mode; empty otherwise. Mount at `/`. */
  router: Router;
}

/**
 * Builds the Telegram channel on Telegraf: long polling by default, a webhook checked against its
 * secret when configured; replies rendered by capability (HTML, inline keyboards, photos, typing).
 *
 * @example
 * ```ts
 * const telegram = createTelegramChannel({ token, receive: true, redis, prefix, media, log });
 * channels.add(telegram.adapter);
 * app.use(telegram.router);
 * ```
 */
export function createTelegramChannel(o: TelegramChannelOptions): TelegramChannel {
  // Updates are handled until stored (see TelegramReceiver), so Telegraf's 90 s handler timeout must not cut in.
  const bot = new Telegraf(o.token, { telegram: { apiRoot: o.apiRoot ?? 'https://api.telegram.org' }, handlerTimeout: Infinity });
  const api = new BotApi(bot.telegram);
  const sender = new TelegramSender(api, o.redis, o.prefix, o.media);
  if (!o.receive) return { adapter: new TelegramAdapter(sender, undefined, o.perSecond), router: Router() };

  const inbound = new TelegramInbound({
    api, log: o.log,
    files: new TelegramFiles(api, o.media),
    callbacks: new CallbackData(o.redis, o.prefix),
    numbered: new NumberedChoices(o.redis, { prefix: o.prefix }),
  });
  const mode = o.webhook ? { kind: 'webhook' as const, ...o.webhook } : { kind: 'polling' as const };
  const receiver = new TelegramReceiver(bot, api, inbound, mode, o.log);
  const router = o.webhook
    ? createWebhookRouter({ path: new URL(o.webhook.url).pathname, secret: o.webhook.secret, handle: (u) => receiver.handleOnce(u), log: o.log })
    : Router();
  return { adapter: new TelegramAdapter(sender, receiver, o.perSecond), router };
}
