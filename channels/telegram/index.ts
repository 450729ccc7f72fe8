/** The Telegram channel (Telegraf): long polling or a secret-checked webhook; replies rendered by capability. */
export { createTelegramChannel, type TelegramChannel, type TelegramChannelOptions } from './telegram-channel';
