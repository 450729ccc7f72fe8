import { tellCitizen } from '../bot/tell-citizen';
import { t } from '../dialogs/i18n';
import type { OutboundQueues } from '../queues/outbound';
import type { ErasureOutcome, ErasureTarget } from './erasure';

/**
 * Tells a citizen how their erasure request ended, on the conversation they asked from, without a
 * transcript line: after an erasure, nothing of the conversation is written again (bot/tell-citizen).
 */
export function erasureOutcomeTeller(outbound: OutboundQueues): (to: ErasureTarget, outcome: ErasureOutcome) => Promise<void> {
  return async (to, outcome) => {
    const text = outcome.kind === 'done' ? t(to.locale, 'eraseData.done') : t(to.locale, 'eraseData.rejected', { reason: outcome.reason });
    await tellCitizen(outbound, { channel: to.channel, conversationId: to.conversationId, locale: to.locale, ...(to.userId ? { userId: to.userId } : {}) }, text);
  };
}
