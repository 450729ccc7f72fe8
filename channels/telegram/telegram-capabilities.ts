import type { ChannelCapabilities } from '../../bot/channel';

/**
 * What Telegram shows: HTML text up to 4096 characters, an inline keyboard for choices (Telegram
 * allows up to 100 buttons; past a dozen a keyboard stops being readable, so more become numbered
 * text), photos, shared locations and a typing indicator.
 */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = Object.freeze({
  markup: 'telegram-html',
  choices: 'buttons',
  maxButtons: 12,
  maxListRows: 0,
  // Telegram cuts a long button title on screen anyway; 60 keeps a long service name readable.
  maxButtonTitle: 60,
  maxTextLength: 4096,
  typing: true,
  images: true,
  files: true,
  location: true,
  // Inline keyboard buttons with a `url`.
  linkButtons: true,
});
