import type { BaileysEventMap, WAMessage } from '@whiskeysockets/baileys';
import type { Activity } from 'botbuilder';
import type { Ingest } from '../../bot/channel';
import { UnsupportedMediaError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import { MAX_MEDIA_BYTES, type MediaStore } from '../../bot/media-store';
import type { NumberedChoices } from '../render';
import type { BaileysSocket } from './baileys-socket';
import { KeyedSerial } from './keyed-serial';
import { RecentIds } from './recent-ids';
import { toInbound, type InboundMedia } from './to-activity';

export interface InboundHandlerOptions {
  /** The inbound queue while the channel runs; undefined once stopped. */
  ingest: () => Ingest | undefined;
  media: MediaStore;
  numbered: NumberedChoices;
  /** Fetches and decrypts a message's media (Baileys' `downloadMediaMessage`). */
  download: (msg: WAMessage, socket: BaileysSocket) => Promise<Buffer>;
  /** Answers a message we cannot read, without running a turn. */
  replyUnsupported: (chatId: string, messageId: string) => Promise<void>;
  log: Logger;
}

/**
 * From `messages.upsert` to the inbound queue: drops what is not a citizen talking to us, answers
 * what we cannot read, stores photos and voice notes, turns "1" into the option it numbers, and
 * ingests. One chat's messages are handled in order; a copy of a message seen before is dropped.
 */
export class InboundHandler {
  private readonly recent = new RecentIds();
  private readonly serial = new KeyedSerial();

  constructor(private readonly opts: InboundHandlerOptions) {}

  /** Only `notify` upserts are new messages; `append` ones are history and our other devices' echoes. */
  onUpsert({ messages, type }: BaileysEventMap['messages.upsert'], socket: BaileysSocket): void {
    if (type !== 'notify') return;
    for (const msg of messages) this.accept(msg, socket);
  }

  /** Resolves when every message accepted so far was ingested or answered. */
  idle(): Promise<void> {
    return this.serial.idle();
  }

  private accept(msg: WAMessage, socket: BaileysSocket): void {
    const inbound = toInbound(msg);
    if (inbound.kind === 'ignore') {
      this.opts.log.trace({ reason: inbound.reason }, 'WhatsApp message ignored');
      return;
    }
    const id = inbound.kind === 'message' ? inbound.activity.id! : inbound.id;
    const chatId = inbound.kind === 'message' ? inbound.activity.conversation!.id : inbound.chatId;
    if (!this.recent.add(id)) return;
    void this.serial.run(chatId, async () => {
      try {
        if (inbound.kind === 'unsupported') await this.unsupported(chatId, id, inbound.contentType);
        else await this.ingest(msg, inbound.activity, inbound.media, socket);
      } catch (err) {
        this.recent.forget(id);
        // Baileys has already acknowledged the message to WhatsApp: this is the only trace of its loss.
        this.opts.log.error({ err, messageId: id }, 'a WhatsApp message could not be handed to the inbound queue');
      }
    });
  }

  private async unsupported(chatId: string, id: string, contentType: string): Promise<void> {
    this.opts.log.debug({ contentType }, 'WhatsApp message of a kind the bot cannot read');
    await this.opts.replyUnsupported(chatId, id);
  }

  private async ingest(msg: WAMessage, activity: Partial<Activity>, media: InboundMedia | undefined, socket: BaileysSocket): Promise<void> {
    const ingest = this.opts.ingest();
    if (!ingest) return;
    if (media) {
      const attachment = await this.store(msg, media, socket);
      if (attachment === 'unsupported') return this.unsupported(activity.conversation!.id, activity.id!, media.kind);
      if (attachment) activity.attachments = [attachment];
    } else if (activity.text) {
      // "1" or "sí" after numbered options becomes the option's value, as a button press would send it.
      activity.text = (await this.opts.numbered.resolve('whatsapp', activity.conversation!.id, activity.text)) ?? activity.text;
    }
    await ingest(activity);
  }

  /**
   * The stored attachment; 'unsupported' for a file we do not keep (too big, or not a raster image or
   * voice note); undefined when the download failed, so the caption still reaches the dialog.
   */
  private async store(msg: WAMessage, media: InboundMedia, socket: BaileysSocket): Promise<NonNullable<Activity['attachments']>[number] | 'unsupported' | undefined> {
    if ((media.bytes ?? 0) > MAX_MEDIA_BYTES) return 'unsupported';
    let data: Buffer;
    try {
      data = await this.opts.download(msg, socket);
    } catch (err) {
      this.opts.log.warn({ err, kind: media.kind }, 'downloading WhatsApp media failed: the message goes on without it');
      return undefined;
    }
    try {
      const stored = await this.opts.media.save({ filename: `whatsapp-${media.kind}`, data });
      return { contentType: stored.contentType, contentUrl: stored.contentUrl, name: stored.name };
    } catch (err) {
      if (err instanceof UnsupportedMediaError) return 'unsupported';
      throw err;
    }
  }
}
