import { dayRanges, APPOINTMENT_WEEKDAYS, type AppointmentOffice, type MinuteRange } from '../../catalog/appointments-schema';
import { publicHolidays } from '../../catalog/public-holidays';
import { instantOf, wallAsUtc } from '../../handoff/office-hours';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** One appointment slot: `[start, end)`, as instants. */
export interface Slot {
  start: Date;
  end: Date;
}

/** The calendar of an office a slot computation needs (a catalog office fits). */
export type SlotCalendar = Pick<AppointmentOffice, 'timezone' | 'hours' | 'holidays'>;

/**
 * The slots of `slotMinutes` an office gives between two instants: each that starts at or after `from`
 * and before `to`, in order. Pure: no clock, no storage (whether a place is still free is the store's).
 *
 * In each opening range of a day (office time zone) slots follow each other from the opening, one every
 * `slotMinutes` of real time, and the last ends no later than the close (a range ending mid-slot loses
 * the partial slot). Across DST changes this keeps every slot as long as it says:
 * - spring forward: the hour the clocks skip has no slots (09:00-…: in Europe/Madrid, 01:30 CET is followed by 03:00 CEST);
 * - fall back: the repeated hour gives its slots twice, as distinct instants (02:00 CEST, then 02:00 CET).
 * A range's end in a repeated hour is its first occurrence; a start in a skipped hour opens at the change.
 * The office's holidays (own days, and its country's and region's public holidays) have no slots.
 *
 * @example slotsBetween(office, 15, new Date('2027-03-01T00:00:00Z'), new Date('2027-03-02T00:00:00Z'))
 */
export function slotsBetween(office: SlotCalendar, slotMinutes: number, from: Date, to: Date): Slot[] {
  if (!(slotMinutes > 0)) throw new RangeError(`slot length must be positive, got ${slotMinutes}`);
  const zone = office.timezone;
  const lo = from.getTime();
  const hi = to.getTime();
  const length = slotMinutes * MINUTE_MS;
  const closed = holidayTest(office.holidays);
  const ranges = rangesByWeekday(office.hours);
  const slots: Slot[] = [];
  // A day's first slot can start before `from` and the last after: walk every civil day either touches.
  for (let day = civilDay(lo, zone); day <= civilDay(hi, zone); day++) {
    const date = new Date(day * DAY_MS);
    if (closed(date.toISOString().slice(0, 10))) continue;
    for (const [start, end] of ranges[date.getUTCDay()] ?? []) {
      const open = instantOf(day * DAY_MS + start * MINUTE_MS, zone);
      const close = instantOf(day * DAY_MS + end * MINUTE_MS, zone);
      for (let t = open; t + length <= close; t += length) {
        if (t >= lo && t < hi) slots.push({ start: new Date(t), end: new Date(t + length) });
      }
    }
  }
  return slots;
}

/** Whether `start` is exactly the start of one of the office's slots of `slotMinutes`. */
export function isSlotStart(office: SlotCalendar, slotMinutes: number, start: Date): boolean {
  const [first] = slotsBetween(office, slotMinutes, start, new Date(start.getTime() + 1));
  return first?.start.getTime() === start.getTime();
}

/**
 * The first instant after the booking horizon: midnight (office time) that starts the day `horizonDays`
 * after today, so today and the next `horizonDays` days can be booked.
 *
 * @example horizonEnd(now, 'Europe/Madrid', 30) // on 2027-03-01 10:00 Madrid: 2027-04-01T00:00 Madrid
 */
export function horizonEnd(now: Date, timezone: string, horizonDays: number): Date {
  return new Date(instantOf((civilDay(now.getTime(), timezone) + horizonDays + 1) * DAY_MS, timezone));
}

/** The civil day of instant `ms` in `zone`, as days since 1970-01-01. */
export function civilDay(ms: number, zone: string): number {
  return Math.floor(wallAsUtc(ms, zone) / DAY_MS);
}

function rangesByWeekday(hours: SlotCalendar['hours']): ReadonlyArray<readonly MinuteRange[]> {
  // The schema validated every day's text, so dayRanges never fails here; a bad one simply has no slots.
  return APPOINTMENT_WEEKDAYS.map((day) => {
    const spec = hours[day];
    return spec === undefined ? [] : (dayRanges(spec) ?? []);
  });
}

/** Whether a YYYY-MM-DD day of the office's calendar is closed. */
function holidayTest(holidays: SlotCalendar['holidays']): (day: string) => boolean {
  const local = new Set(holidays.local);
  const except = new Set(holidays.except);
  const country = holidays.country;
  const place = country === undefined ? undefined : { country, ...(holidays.region === undefined ? {} : { region: holidays.region }) };
  return (day) => {
    if (local.has(day)) return true;
    if (except.has(day) || place === undefined) return false;
    const year = Number(day.slice(0, 4));
    // A holiday of several days may begin the year before (31 December to 1 January).
    return publicHolidays(place, year).has(day) || publicHolidays(place, year - 1).has(day);
  };
}
