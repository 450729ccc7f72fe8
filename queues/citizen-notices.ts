import { randomUUID } from 'node:crypto';
import type { Activity, Attachment } from 'botbuilder';
import type { ChannelId } from '../bot/activity';
import { conversationKey } from '../bot/conversation-key';
import type { HistoryStore } from '../bot/sql/history-store';
import type { Logger } from '../bot/logger';
import type { Locale } from '../catalog/schema';
import { LOCALE_TAGS } from '../dialogs/i18n';
import type { OutboundQueues } from './outbound';
import { renderText } from '../channels/render';

/** Where a message we send unasked goes: the citizen's conversation on their channel. */
export interface NoticeTarget {
  channel: string;
  conversationId: string;
  /** The citizen's id on the channel, when known. */
  userId?: string;
  citizenId: string;
  locale: Locale;
}

/**
 * Messages that do not answer a turn (an agent's reply, "Ana is with you now", "your ticket was
 * resolved"): queued on the conversation's outbound mailbox, behind the bot's replies, on the citizen's
 * own channel (WhatsApp outside the 24-hour window sends the template), and written to the transcript.
 */
export class CitizenNotices {
  constructor(
    private readonly deps: {
      outbound: OutboundQueues;
      history: Pick<HistoryStore, 'recordMessages' | 'conversation'>;
      log: Logger;
    },
  ) {}

  /**
   * A notice about a ticket (accepted, a new state and the back office's note, under review): only to
   * its owner. `ticket` names the ticket's citizen and the conversation it was filed in; that
   * conversation is told only while it belongs to the same citizen (conversations move with their
   * citizen when chats are linked, so they agree unless something moved one without the other; then
   * nobody is told rather than the wrong person). Returns whether it was sent.
   */
  async sendAboutTicket(ticket: NoticeTarget & { reference: string }, text: string): Promise<boolean> {
    const conversation = await this.deps.history.conversation(conversationKey(ticket.channel, ticket.conversationId));
    // No row yet: the transcript of the turn that filed it has not reached SQL, and that turn was the owner's.
    if (conversation && conversation.citizenId !== ticket.citizenId) {
      this.deps.log.warn({ reference: ticket.reference, channel: ticket.channel }, 'ticket notice not sent: its conversation belongs to another citizen');
      return false;
    }
    await this.send(ticket, text);
    return true;
  }

  /**
   * Sends `text`; `author` names the agent who wrote it (absent: the council's own notice). `attachments`
   * go with it (a card with a link button: the video call's invitation); the transcript keeps the text only.
   */
  async send(to: NoticeTarget, text: string, author?: { id: string; name: string }, attachments?: Attachment[]): Promise<{ id: string; at: Date }> {
    const id = `n-${randomUUID()}`;
    const at = new Date();
    const activity: Partial<Activity> = {
      type: 'message', id, text, locale: LOCALE_TAGS[to.locale],
      ...(author ? { from: { id: `agent:${author.id}`, name: author.name } } : {}),
      ...(attachments?.length ? { attachments } : {}),
    };
    const ref = { channel: to.channel as ChannelId, conversationId: to.conversationId, locale: LOCALE_TAGS[to.locale], ...(to.userId ? { userId: to.userId } : {}) };
    await this.deps.outbound.push(conversationKey(to.channel, to.conversationId), { ref, activities: [activity] }, id);
    await this.deps.history.recordMessages([{
      // As the citizen reads it (the channels render the CommonMark), like the turns' own transcript lines.
      channel: to.channel, conversationId: to.conversationId, citizenId: to.citizenId, direction: 'out', activityId: id, text: renderText(text, 'plain'), at,
      // Files (an agent's photo) stay in the transcript; a card (the video call's invitation) does not.
      ...(attachments?.some((a) => a.contentUrl) ? { attachments: attachments.filter((a) => a.contentUrl) } : {}),
      ...(author ? { author: author.id } : {}),
    }]);
    return { id, at };
  }
}
