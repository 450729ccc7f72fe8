import { randomUUID } from 'node:crypto';
import type { ChannelId } from '../bot/activity';
import { conversationKey } from '../bot/conversation-key';
import { LOCALE_TAGS, t } from '../dialogs/i18n';
import type { OutboundQueues } from '../queues/outbound';
import type { ErasureOutcome, ErasureTarget } from './erasure';

/**
 * Tells a citizen how their erasure request ended, on the conversation they asked from, through the
 * outbound queue (behind anything still on its way) and without a transcript line: after an erasure,
 * nothing of the conversation is written again. A channel that no longer reaches them (a closed web chat)
 * drops it there.
 */
export function erasureOutcomeTeller(outbound: OutboundQueues): (to: ErasureTarget, outcome: ErasureOutcome) => Promise<void> {
  return async (to, outcome) => {
    const id = `n-${randomUUID()}`;
    const text = outcome.kind === 'done' ? t(to.locale, 'eraseData.done') : t(to.locale, 'eraseData.rejected', { reason: outcome.reason });
    const ref = { channel: to.channel as ChannelId, conversationId: to.conversationId, locale: LOCALE_TAGS[to.locale], ...(to.userId ? { userId: to.userId } : {}) };
    await outbound.push(conversationKey(to.channel, to.conversationId), { ref, activities: [{ type: 'message', id, text, locale: LOCALE_TAGS[to.locale] }] }, id);
  };
}
