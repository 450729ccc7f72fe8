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
  log: Logger;
}

/**
 * From `messages.upsert` to the inbound queue: drops what is not a citizen talking to us, stores
 * photos and voice notes, turns "1" into the option it numbers, and ingests (what we cannot read goes
 * in with nothing readable, and the dialog engine answers it like on every channel). One chat's messages are handled in order; a copy of a message seen before is dropped.
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
    const id = inbound.activity.id!;
    if (!this.recent.add(id)) return;
    if (inbound.kind === 'unsupported') this.opts.log.debug({ contentType: inbound.contentType }, 'WhatsApp message of a kind the bot cannot read');
    void this.serial.run(inbound.activity.conversation!.id, async () => {
      try {
        await this.ingest(msg, inbound.activity, inbound.kind === 'message' ? inbound.media : undefined, socket);
      } catch (err) {
        this.recent.forget(id);
        // Baileys has already acknowledged the message to WhatsApp: this is the only trace of its loss.
        this.opts.log.error({ err, messageId: id }, 'a WhatsApp message could not be handed to the inbound queue');
      }
    });
  }

  private async ingest(msg: WAMessage, activity: Partial<Activity>, media: InboundMedia | undefined, socket: BaileysSocket): Promise<void> {
    const ingest = this.opts.ingest();
    if (!ingest) return;
    if (media) {
      // A file we do not keep goes in without it: the caption still counts, and with none the engine says what it reads.
      const attachment = await this.store(msg, media, socket);
      if (attachment) activity.attachments = [attachment];
    } else if (activity.text) {
      // "1" or "sí" after numbered options becomes the option's value, as a button press would send it.
      activity.text = (await this.opts.numbered.resolve('whatsapp', activity.conversation!.id, activity.text)) ?? activity.text;
    }
    await ingest(activity);
  }

  /**
   * The stored attachment, or undefined when there is none to keep: a file we do not keep (too big, not a
   * raster image or voice note) or a failed download. The message goes on without it either way.
   */
  private async store(msg: WAMessage, media: InboundMedia, socket: BaileysSocket): Promise<NonNullable<Activity['attachments']>[number] | undefined> {
    if ((media.bytes ?? 0) > MAX_MEDIA_BYTES) return undefined;
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
      if (err instanceof UnsupportedMediaError) return undefined;
      throw err;
    }
  }
}
