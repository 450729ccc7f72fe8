import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { InlineKeyboardButton } from 'telegraf/types';
import type { ConversationRef, SendProgress } from '../../bot/channel';
import { DeliveryRejectedError } from '../../bot/errors';
import type { MediaStore } from '../../bot/media-store';
import { escapeHtml, NumberedChoices, renderActivity, type OutChoices, type OutLink, type OutMessage } from '../render';
import type { BotApi } from './bot-api';
import { CallbackData } from './callback-data';
import { TELEGRAM_CAPABILITIES } from './telegram-capabilities';
import { isTelegramError, toAppError } from './telegram-errors';

// Telegram refuses an empty message; buttons with no text of their own point at themselves.
const BUTTONS_ONLY_TEXT = '👇';
// Titles this short sit three to a row (Sí · No · Otro); longer ones get a row each, readable on a phone.
const SHORT_TITLE = 12;

/**
 * Delivers the bot's activities to one Telegram chat: rendered by capability (HTML, inline keyboard,
 * photos, typing), in order. Needs only the Bot API and Redis, so it works in any worker process.
 *
 * Read this before changing: the outbound queue retries a whole batch after a retryable failure; its
 * SendProgress says how many messages of the batch went out, so a retry resumes after them.
 */
export class TelegramSender {
  private readonly callbacks: CallbackData;
  private readonly numbered: NumberedChoices;

  constructor(
    private readonly api: BotApi,
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Signs links to our own files: Telegram fetches a photo by URL, with no token (see MediaStore). */
    private readonly media?: Pick<MediaStore, 'withSignedAttachments'>,
  ) {
    this.callbacks = new CallbackData(redis, prefix);
    this.numbered = new NumberedChoices(redis, { prefix });
  }

  async send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    const messages = activities.flatMap((a) => renderActivity(this.media?.withSignedAttachments(a) ?? a, TELEGRAM_CAPABILITIES));
    for (const [i, message] of messages.entries()) {
      if (i < (progress?.delivered ?? 0)) continue;
      await this.deliver(ref.conversationId, message);
      await progress?.mark(i + 1);
    }
    // Past a dozen options the choices are numbered text: remember them so "3" can be mapped back.
    await this.numbered.track(ref, messages);
  }

  private async deliver(chatId: string, message: OutMessage): Promise<void> {
    switch (message.kind) {
      case 'typing':
        await this.api.call('sendChatAction', { chat_id: chatId, action: 'typing' });
        return;
      case 'image':
        await this.sendPhoto(chatId, message.url, message.caption);
        return;
      case 'file':
        await this.sendDocument(chatId, message.url, message.name);
        return;
      case 'text':
        await this.sendText(chatId, message.text || BUTTONS_ONLY_TEXT, message.choices, message.link);
    }
  }

  private async sendText(chatId: string, html: string, choices: OutChoices | undefined, link?: OutLink): Promise<void> {
    const reply_markup = link
      ? { inline_keyboard: [[{ text: link.title, url: link.url }]] }
      : choices?.style === 'buttons' ? { inline_keyboard: await this.keyboard(choices) } : undefined;
    try {
      await this.api.raw('sendMessage', { chat_id: chatId, text: html, parse_mode: 'HTML', ...(reply_markup ? { reply_markup } : {}) });
    } catch (err) {
      // The renderer writes valid HTML; should Telegram still refuse it, the words matter more than the bold.
      if (!isTelegramError(err, 400, /can't parse entities/i)) throw toAppError(err, 'sendMessage');
      await this.api.call('sendMessage', { chat_id: chatId, text: plainOf(html), ...(reply_markup ? { reply_markup } : {}) });
    }
  }

  private async sendPhoto(chatId: string, url: string, caption: string | undefined): Promise<void> {
    try {
      await this.api.call('sendPhoto', { chat_id: chatId, photo: url, ...(caption ? { caption, parse_mode: 'HTML' } : {}) });
    } catch (err) {
      // Telegram fetches the photo itself: a URL it cannot reach (no public PUBLIC_URL) still gets through as a link.
      if (!(err instanceof DeliveryRejectedError)) throw err;
      await this.api.call('sendMessage', { chat_id: chatId, text: caption ? `${caption}\n${escapeHtml(url)}` : escapeHtml(url), parse_mode: 'HTML' });
    }
  }

  /**
   * Telegram fetches only PDF, ZIP and GIF documents by URL, so the file is read from our media URL and
   * uploaded. A file that cannot be read (gone, too big) still gets through as a link.
   */
  private async sendDocument(chatId: string, url: string, name: string): Promise<void> {
    const source = await readFile(url);
    if (!source) {
      await this.api.call('sendMessage', { chat_id: chatId, text: `${escapeHtml(name)}: ${escapeHtml(url)}`, parse_mode: 'HTML' });
      return;
    }
    await this.api.call('sendDocument', { chat_id: chatId, document: { source, filename: name } });
  }

  private async keyboard(choices: OutChoices): Promise<InlineKeyboardButton[][]> {
    const buttons = await Promise.all(
      choices.options.map(async (o): Promise<InlineKeyboardButton> => ({ text: o.title, callback_data: await this.callbacks.encode(o.value) })),
    );
    const perRow = choices.options.every((o) => o.title.length <= SHORT_TITLE) ? 3 : 1;
    const rows: InlineKeyboardButton[][] = [];
    for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
    return rows;
  }

}

/** Telegram HTML as plain text: tags dropped, entities decoded. */
const plainOf = (html: string): string =>
  html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** A bot may upload documents of up to 50 MB; ours (exports, agents' files) are far smaller. */
const MAX_DOCUMENT_BYTES = 20 * 1_048_576;

/** The file at `url`, or undefined when it cannot be read whole within MAX_DOCUMENT_BYTES. */
async function readFile(url: string): Promise<Buffer | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    if (!res.ok || !res.body || Number(res.headers.get('content-length') ?? 0) > MAX_DOCUMENT_BYTES) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > MAX_DOCUMENT_BYTES) return undefined;
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  } catch {
    return undefined;
  }
}
