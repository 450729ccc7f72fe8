import { randomUUID } from 'node:crypto';
import type { ChannelId } from './activity';
import { conversationKey } from './conversation-key';
import type { Locale } from '../catalog/schema';
import { LOCALE_TAGS, t } from '../dialogs/i18n';
import type { OutboundQueues } from '../queues/outbound';
import type { Representation } from './sql/representation-store';

/**
 * Tells a representative how their request to act for someone ended, on the conversation they asked
 * from, through the outbound queue (behind anything still on its way).
 */
export function representationTeller(outbound: OutboundQueues): (r: Representation) => Promise<void> {
  return async (r) => {
    const locale = (r.locale in LOCALE_TAGS ? r.locale : 'es') as Locale;
    const text = r.status === 'approved'
      ? t(locale, 'representation.approved', { name: r.representedName, until: untilDay(locale, r.expiresAt!) })
      : t(locale, 'representation.refused', { name: r.representedName, reason: r.reason ?? '' });
    const id = `n-${randomUUID()}`;
    const ref = { channel: r.channel as ChannelId, conversationId: r.conversationId, locale: LOCALE_TAGS[locale] };
    await outbound.push(conversationKey(r.channel, r.conversationId), { ref, activities: [{ type: 'message', id, text, locale: LOCALE_TAGS[locale] }] }, id);
  };
}

/** The last day an approval is in force: the console's `expiresOn`, a calendar day whose end (UTC) is the expiry. */
function untilDay(locale: Locale, expiresAt: Date): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(expiresAt.getTime() - 1));
}
