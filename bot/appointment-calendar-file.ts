import type { Attachment } from 'botbuilder';
import type { Appointments } from '../catalog/appointments-schema';
import type { Locale } from '../catalog/schema';
import type { Appointment } from '../connectors/appointments/appointments-connector';
import { appointmentIcs } from '../connectors/appointments/appointment-ics';
import { renderText } from '../channels/render';
import { t, type MessageKey, type Vars } from '../dialogs/i18n';
import type { MediaStore } from './media-store';
import type { Clock } from './clock';

/** A calendar file stays reachable for as long as a citizen may take to open it: the booking horizon and a week. */
const LINK_DAYS_AFTER_HORIZON = 7;

/**
 * The appointment's iCalendar file as an attachment (text/calendar) in the citizen's language: stored as
 * a file the bot wrote and handed out through a signed link, so every channel can send it (a Telegram or
 * WhatsApp document, a web chat download).
 */
export function appointmentCalendarFile(plan: Appointments, media: MediaStore, domain: string, clock: Clock): (a: Appointment, locale: Locale) => Promise<Attachment> {
  return async (a, locale) => {
    const office = plan.offices.find((o) => o.code === a.office);
    if (!office) throw new Error(`no office ${a.office} in the catalog`);
    const procedure = plan.procedures.find((p) => p.code === a.procedure)?.names[locale] ?? a.procedure;
    // The bot's sentences are CommonMark; a calendar wants them as plain text.
    const plain = (key: MessageKey, vars: Vars) => renderText(t(locale, key, vars), 'plain');
    const texts = {
      summary: plain('appointments.ics.summary', { procedure }),
      description: plain('appointments.ics.description', { reference: a.reference, office: office.name, address: office.address }),
      reminder: plain('appointments.ics.reminder', { procedure }),
    };
    const ics = appointmentIcs(a, office, texts, { domain, now: new Date(clock()) });
    const stored = await media.saveGenerated({ filename: `${a.reference}.ics`, data: Buffer.from(ics) }, 'ics');
    const ttl = (plan.horizonDays + LINK_DAYS_AFTER_HORIZON) * 86_400;
    return { contentType: 'text/calendar', name: stored.name, contentUrl: media.signedUrl(stored.contentUrl, ttl) };
  };
}
