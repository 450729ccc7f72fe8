import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { Activity } from 'botbuilder';
import type { ChannelCapabilities, ConversationRef, SendProgress } from '../../bot/channel';
import { AppError, ChannelUnavailableError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { MediaStore } from '../../bot/media-store';
import { renderActivity, type NumberedChoices, type OutMessage } from '../render';
import type { BaileysSocket } from './baileys-socket';
import type { SentMessageStore } from './sent-message-store';

export interface SenderOptions {
  capabilities: ChannelCapabilities;
  /** The open socket, or a ChannelUnavailableError. */
  socket: () => BaileysSocket;
  numbered: NumberedChoices;
  sentMessages: SentMessageStore;
  log: Logger;
  /** Signs links to our own files: Baileys fetches an image by URL, with no token (see MediaStore). */
  media?: Pick<MediaStore, 'withSignedAttachments'>;
}

/**
 * The bot's replies to WhatsApp: each activity rendered for this channel (WhatsApp markup, numbered
 * options), sent in order, each sent message kept for `getMessage`, numbered options remembered so
 * "1" can be resolved, and `typing` shown as "composing…" until the batch is out.
 */
export class Sender {
  constructor(private readonly opts: SenderOptions) {}

  /**
   * Delivers one batch to `ref.conversationId` (a JID). Parts already delivered by an earlier attempt
   * of the same batch (its SendProgress) are skipped. Throws ChannelUnavailableError (retryable) when the socket is not
   * open or WhatsApp did not take a message.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    const socket = this.opts.socket();
    const jid = ref.conversationId;
    let composing = false;
    // A typing-only batch (a turn has just started) leaves "composing…" on until the reply comes.
    let paused = true;
    try {
      const messages = activities.flatMap((a) => renderActivity(this.opts.media?.withSignedAttachments(a) ?? a, this.opts.capabilities));
      for (const [i, message] of messages.entries()) {
        if (i < (progress?.delivered ?? 0)) continue;
        if (message.kind === 'typing') {
          composing = await this.presence(socket, 'composing', jid);
          paused = false;
        } else {
          await this.deliver(socket, jid, message);
          paused = true;
        }
        await progress?.mark(i + 1);
      }
      await this.opts.numbered.track(ref, messages);
    } catch (err) {
      paused = true;
      if (err instanceof AppError) throw err;
      throw new ChannelUnavailableError('WhatsApp (Baileys) did not take a message', { cause: err });
    } finally {
      if (composing && paused) await this.presence(socket, 'paused', jid);
    }
  }

  private async deliver(socket: BaileysSocket, jid: string, message: Exclude<OutMessage, { kind: 'typing' }>): Promise<void> {
    await this.opts.sentMessages.save(await socket.sendMessage(jid, contentOf(message)));
  }

  /** Presence is a courtesy: its failure never fails a delivery. Returns whether it was sent. */
  private async presence(socket: BaileysSocket, state: 'composing' | 'paused', jid: string): Promise<boolean> {
    try {
      await socket.sendPresenceUpdate(state, jid);
      return true;
    } catch (err) {
      this.opts.log.debug({ err, state }, 'WhatsApp presence update failed');
      return false;
    }
  }
}

/** Baileys' content for one rendered message; it fetches an image or a document from its URL itself. */
function contentOf(message: Exclude<OutMessage, { kind: 'typing' }>): AnyMessageContent {
  switch (message.kind) {
    case 'text':
      return { text: message.text };
    case 'image':
      return { image: { url: message.url }, ...(message.caption ? { caption: message.caption } : {}) };
    case 'file':
      return { document: { url: message.url }, mimetype: message.contentType, fileName: message.name };
  }
}
