import ical, { ICalAlarmType, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { AppointmentOffice } from '../../catalog/appointments-schema';
import type { Appointment } from './appointments-connector';

/** What a calendar entry of an appointment says, in the citizen's language (the caller's locale texts). */
export interface AppointmentIcsTexts {
  /** The event's title, e.g. "Cita: Empadronamiento". */
  summary: string;
  /** Its body, e.g. the reference and what to bring. */
  description: string;
  /** What the reminder the day before shows. */
  reminder: string;
}

export interface AppointmentIcsOptions {
  /** The host that makes UIDs unique to this bot (`<appointment id>@<domain>`), e.g. PUBLIC_URL's host. */
  domain: string;
  /** When the file is made (DTSTAMP): the caller's clock, so tests pin it. */
  now: Date;
}

const DAY_SECONDS = 86_400;

/**
 * The appointment as an iCalendar file (RFC 5545): one VEVENT with its times in UTC (so no calendar app
 * needs the office's time-zone rules to place it right across DST changes), the office as LOCATION and
 * GEO, and a display alarm one day before. UID and SEQUENCE come from the appointment, so the file of a
 * moved or cancelled appointment (STATUS:CANCELLED) replaces the first one in the citizen's calendar.
 *
 * @example
 * const ics = appointmentIcs(appointment, office, texts, { domain: 'bot.example.org', now: new Date(clock()) });
 * // send as text/calendar; name: `${appointment.reference}.ics`
 */
export function appointmentIcs(appointment: Appointment, office: AppointmentOffice, texts: AppointmentIcsTexts, opts: AppointmentIcsOptions): string {
  const calendar = ical({
    prodId: { company: 'citizen-bot', product: 'appointments', language: appointment.locale.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
  });
  calendar.createEvent({
    id: `${appointment.id}@${opts.domain}`,
    sequence: appointment.sequence,
    stamp: opts.now,
    start: appointment.start,
    end: appointment.end,
    summary: texts.summary,
    description: texts.description,
    location: { title: office.name, address: office.address, geo: { lat: office.lat, lon: office.lon } },
    status: appointment.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    alarms: appointment.status === 'cancelled' ? [] : [{ type: ICalAlarmType.display, triggerBefore: DAY_SECONDS, description: texts.reminder }],
  });
  return calendar.toString();
}
