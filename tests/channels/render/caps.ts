import type { ChannelCapabilities } from '../../../bot/channel';

/** Capabilities shaped like the real channels', for rendering tests. */
export const telegramLike: ChannelCapabilities = {
  markup: 'telegram-html', choices: 'buttons', maxButtons: 12, maxListRows: 0, maxButtonTitle: 60,
  maxTextLength: 4096, typing: true, images: true, location: true,
};
export const whatsappCloudLike: ChannelCapabilities = {
  markup: 'whatsapp', choices: 'buttons', maxButtons: 3, maxListRows: 10, maxButtonTitle: 20, maxListRowTitle: 24, maxListRowDescription: 72,
  maxTextLength: 4096, typing: false, images: true, location: true,
};
export const plainNumbered: ChannelCapabilities = {
  markup: 'plain', choices: 'numbered', maxButtons: 0, maxListRows: 0, maxButtonTitle: 20,
  maxTextLength: 1000, typing: false, images: false, location: true,
};
