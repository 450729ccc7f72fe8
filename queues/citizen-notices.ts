import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ChannelId } from '../bot/activity';
import type { HistoryStore } from '../bot/sql/history-store';
import type { Locale } from '../dialogs/catalog/schema';
import { LOCALE_TAGS } from '../dialogs/i18n';
import { mailboxKey } from './inbound';
import type { OutboundQueues } from './outbound';

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
      history: Pick<HistoryStore, 'recordMessages'>;
    },
  ) {}

  /** Sends `text`; `author` names the agent who wrote it (absent: the council's own notice). */
  async send(to: NoticeTarget, text: string, author?: { id: string; name: string }): Promise<{ id: string; at: Date }> {
    const id = `n-${randomUUID()}`;
    const at = new Date();
    const activity: Partial<Activity> = {
      type: 'message', id, text, locale: LOCALE_TAGS[to.locale],
      ...(author ? { from: { id: `agent:${author.id}`, name: author.name } } : {}),
    };
    const ref = { channel: to.channel as ChannelId, conversationId: to.conversationId, locale: LOCALE_TAGS[to.locale], ...(to.userId ? { userId: to.userId } : {}) };
    await this.deps.outbound.push(mailboxKey(to.channel, to.conversationId), { ref, activities: [activity] }, id);
    await this.deps.history.recordMessages([{
      channel: to.channel, conversationId: to.conversationId, citizenId: to.citizenId, direction: 'out', activityId: id, text, at,
      ...(author ? { author: author.id } : {}),
    }]);
    return { id, at };
  }
}
