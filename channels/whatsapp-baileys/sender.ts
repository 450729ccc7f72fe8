import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { Activity } from 'botbuilder';
import type { ChannelCapabilities, ConversationRef } from '../../bot/channel';
import { AppError, ChannelUnavailableError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import { renderActivity, type NumberedChoices, type OutMessage } from '../render';
import type { BaileysSocket } from './baileys-socket';
import type { DeliveryLedger } from './delivery-ledger';
import type { ReplyLocales } from './reply-locales';
import type { SentMessageStore } from './sent-message-store';

export interface SenderOptions {
  capabilities: ChannelCapabilities;
  /** The open socket, or a ChannelUnavailableError. */
  socket: () => BaileysSocket;
  numbered: NumberedChoices;
  sentMessages: SentMessageStore;
  ledger: DeliveryLedger;
  locales: ReplyLocales;
  log: Logger;
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
   * of the same batch are skipped. Throws ChannelUnavailableError (retryable) when the socket is not
   * open or WhatsApp did not take a message.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[]): Promise<void> {
    const socket = this.opts.socket();
    const jid = ref.conversationId;
    let composing = false;
    // A typing-only batch (a turn has just started) leaves "composing…" on until the reply comes.
    let paused = true;
    try {
      for (const activity of activities) {
        const messages = renderActivity(activity, this.opts.capabilities);
        for (const [i, message] of messages.entries()) {
          const partId = activity.id ? `${activity.id}#${i}` : undefined;
          if (partId && (await this.opts.ledger.delivered(partId))) continue;
          if (message.kind === 'typing') {
            composing = await this.presence(socket, 'composing', jid);
            paused = false;
          } else {
            await this.deliver(socket, jid, message);
            paused = true;
          }
          if (partId) await this.opts.ledger.mark(partId);
        }
        await this.opts.numbered.track(ref, messages);
      }
      if (ref.locale) await this.opts.locales.remember(jid, ref.locale);
    } catch (err) {
      paused = true;
      if (err instanceof AppError) throw err;
      throw new ChannelUnavailableError('WhatsApp (Baileys) did not take a message', { cause: err });
    } finally {
      if (composing && paused) await this.presence(socket, 'paused', jid);
    }
  }

  /** One plain text sent outside the outbound queue and any turn: the answer to a sticker. */
  async sendText(jid: string, text: string): Promise<void> {
    const sent = await this.opts.socket().sendMessage(jid, { text });
    await this.opts.sentMessages.save(sent);
  }

  private async deliver(socket: BaileysSocket, jid: string, message: Exclude<OutMessage, { kind: 'typing' }>): Promise<void> {
    const content: AnyMessageContent =
      message.kind === 'text' ? { text: message.text } : { image: { url: message.url }, ...(message.caption ? { caption: message.caption } : {}) };
    await this.opts.sentMessages.save(await socket.sendMessage(jid, content));
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
