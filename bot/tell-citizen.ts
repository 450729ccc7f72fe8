import { randomUUID } from 'node:crypto';
import type { Locale } from '../catalog/schema';
import { LOCALE_TAGS } from '../dialogs/i18n';
import type { OutboundQueues } from '../queues/outbound';
import type { ChannelId } from './activity';
import { conversationKey } from './conversation-key';

/** Where a citizen is told something outside a turn: the conversation they used, in their language. */
export interface CitizenAddress {
  channel: string;
  conversationId: string;
  userId?: string;
  locale: Locale;
}

/**
 * Tells a citizen one sentence on their conversation through the outbound queue (behind anything still
 * on its way, retried like every reply): how an erasure or a representation request ended, that their
 * identity is verified. A channel that no longer reaches them drops it there.
 */
export async function tellCitizen(outbound: Pick<OutboundQueues, 'push'>, to: CitizenAddress, text: string): Promise<void> {
  const id = `n-${randomUUID()}`;
  const locale = LOCALE_TAGS[to.locale];
  const ref = { channel: to.channel as ChannelId, conversationId: to.conversationId, locale, ...(to.userId ? { userId: to.userId } : {}) };
  await outbound.push(conversationKey(to.channel, to.conversationId), { ref, activities: [{ type: 'message', id, text, locale }] }, id);
}
