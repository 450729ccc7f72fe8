import type { Attachment } from 'botbuilder';
import type { Logger } from 'pino';
import type { Ingest } from '../../bot/channel';
import { UnsupportedMediaError } from '../../bot/errors';
import type { NumberedChoices } from '../render';
import type { BotApi } from './bot-api';
import type { CallbackData } from './callback-data';
import { contentOf } from './message-content';
import type { TelegramFiles } from './telegram-files';
import type { TelegramMessage, TelegramUpdate } from './telegram-update';
import { messageActivity, startActivity, type Origin } from './to-activity';

export interface TelegramInboundOptions {
  api: BotApi;
  files: TelegramFiles;
  callbacks: CallbackData;
  numbered: NumberedChoices;
  log: Logger;
}

/**
 * Turns one Telegram update into at most one ingested Activity. Ids are `${chat.id}:${message_id}`
 * (or `cb:${callback_query.id}`), so an update delivered again is dropped by ingest's dedupe. Throws
 * a retryable AppError when the update could not be stored, so the caller does not acknowledge it.
 * Private chats only: in a group, every member would share one dialog.
 */
export class TelegramInbound {
  constructor(private readonly o: TelegramInboundOptions) {}

  async handle(update: TelegramUpdate, ingest: Ingest): Promise<void> {
    if (update.callback_query) await this.onButton(update.callback_query, ingest);
    else if (update.message) await this.onMessage(update.message, ingest);
  }

  private async onMessage(msg: TelegramMessage, ingest: Ingest): Promise<void> {
    if (msg.chat.type !== 'private' || msg.from?.is_bot) return;
    const origin: Origin = { id: `${msg.chat.id}:${msg.message_id}`, chatId: msg.chat.id, from: msg.from };
    const content = contentOf(msg);
    switch (content.kind) {
      case 'start':
        await ingest(startActivity(origin));
        return;
      case 'text':
        await ingest(messageActivity(origin, { text: await this.mapNumber(origin, content.text) }));
        return;
      case 'location':
        await ingest(messageActivity(origin, { ...(content.text ? { text: content.text } : {}), place: { ...content.point, ...(content.name ? { name: content.name } : {}) } }));
        return;
      case 'media':
        await this.onMedia(origin, content, ingest);
        return;
      case 'unsupported':
        // Nothing readable: the dialog engine answers "I can only read…", as on every channel.
        await ingest(messageActivity(origin, {}));
        return;
      case 'ignored':
        this.o.log.debug({ chatId: origin.chatId }, 'service message ignored');
    }
  }

  /** A file we do not keep goes in without it: its caption still counts, and with none the engine says what it reads. */
  private async onMedia(origin: Origin, content: Extract<ReturnType<typeof contentOf>, { kind: 'media' }>, ingest: Ingest): Promise<void> {
    const attachments: Attachment[] = [];
    try {
      attachments.push(await this.o.files.store(content.file, content.filename, content.imagesOnly));
    } catch (err) {
      if (!(err instanceof UnsupportedMediaError)) throw err;
      this.o.log.info({ chatId: origin.chatId, reason: err.message }, 'media not kept');
    }
    await ingest(messageActivity(origin, { text: content.text, attachments }));
  }

  /** A button press: its value is ingested as what the citizen said, then the button stops spinning. */
  private async onButton(query: NonNullable<TelegramUpdate['callback_query']>, ingest: Ingest): Promise<void> {
    const chat = query.message?.chat;
    const value = query.data === undefined ? undefined : await this.o.callbacks.decode(query.data);
    if (chat?.type === 'private' && value !== undefined) {
      await ingest(messageActivity({ id: `cb:${query.id}`, chatId: chat.id, from: query.from }, { text: value }));
    } else {
      this.o.log.info({ chatId: chat?.id }, 'button press ignored: not a private chat, or its value expired');
    }
    // Already stored: a failed answer only leaves the button spinning a few seconds, so it is not retried.
    await this.o.api.call('answerCallbackQuery', { callback_query_id: query.id }).catch((err: unknown) => {
      this.o.log.warn({ err, chatId: chat?.id }, 'answerCallbackQuery failed');
    });
  }

  /** "1", "uno", "primero" → the value of the option last shown as numbered text, if any. */
  private async mapNumber(origin: Origin, text: string): Promise<string> {
    return (await this.o.numbered.resolve('telegram', String(origin.chatId), text)) ?? text;
  }
}
