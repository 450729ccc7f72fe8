import type { AppointmentOffice } from '../../catalog/appointments-schema';
import type { AppointmentsConnector, OpenSlot } from './appointments-connector';
import { civilDay, horizonEnd } from './slots';

const DAY_MS = 86_400_000;

/** One day of the office's calendar with its slots that can still be booked. */
export interface OpenDay {
  /** YYYY-MM-DD in the office's time zone. */
  day: string;
  slots: OpenSlot[];
}

export interface OpenDaysQuery {
  procedure: string;
  office: Pick<AppointmentOffice, 'code' | 'timezone'>;
  /** Look from here on (usually now). */
  from: Date;
  /** The catalog's `appointments.horizonDays`: no day past it is looked at. */
  horizonDays: number;
  /** How many days with a free place to return at most. @defaultValue 5 */
  limit?: number;
}

/**
 * The first days (office calendar) on which the procedure has a free place at the office, each with its
 * free slots in order: what a booking conversation offers as "which day?" and then "what time?", so a
 * citizen picks a day and a time in two answers. Reads the connector a week at a time up to the horizon,
 * so a city with a free place tomorrow costs one read.
 *
 * @example const days = await openDays(appointments, { procedure: 'empadronamiento', office, from: now, horizonDays: 30 });
 */
export async function openDays(connector: AppointmentsConnector, q: OpenDaysQuery): Promise<OpenDay[]> {
  const limit = q.limit ?? 5;
  const end = horizonEnd(q.from, q.office.timezone, q.horizonDays).getTime();
  const days: OpenDay[] = [];
  for (let from = q.from.getTime(); from < end && days.length < limit; from += 7 * DAY_MS) {
    const to = Math.min(from + 7 * DAY_MS, end);
    const slots = await connector.listSlots({ procedure: q.procedure, office: q.office.code, from: new Date(from), to: new Date(to) });
    for (const slot of slots) {
      const day = new Date(civilDay(slot.start.getTime(), q.office.timezone) * DAY_MS).toISOString().slice(0, 10);
      const last = days[days.length - 1];
      if (last?.day === day) last.slots.push(slot);
      else if (days.length < limit) days.push({ day, slots: [slot] });
      else break;
    }
  }
  return days;
}
