import type { Locale } from '../catalog/schema';
import { LOCALE_TAGS, t } from '../dialogs/i18n';
import type { OutboundQueues } from '../queues/outbound';
import type { Representation } from './sql/representation-store';
import { tellCitizen } from './tell-citizen';

/** Tells a representative how their request to act for someone ended, on the conversation they asked from. */
export function representationTeller(outbound: OutboundQueues): (r: Representation) => Promise<void> {
  return async (r) => {
    const locale = (r.locale in LOCALE_TAGS ? r.locale : 'es') as Locale;
    const text = r.status === 'approved'
      ? t(locale, 'representation.approved', { name: r.representedName, until: untilDay(locale, r.expiresAt!) })
      : t(locale, 'representation.refused', { name: r.representedName, reason: r.reason ?? '' });
    await tellCitizen(outbound, { channel: r.channel, conversationId: r.conversationId, locale }, text);
  };
}

/** The last day an approval is in force: the console's `expiresOn`, a calendar day whose end (UTC) is the expiry. */
function untilDay(locale: Locale, expiresAt: Date): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(expiresAt.getTime() - 1));
}
