import { z } from 'zod';
import { unknownPlace } from './public-holidays';

// This file must not import values from ./schema: schema.ts imports this one (its `appointments` key),
// and a cycle would leave one side's zod objects uninitialised at load. Hence its own small building blocks.

const Code = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase code: letters, digits, - and _');
const Names = z.object({ es: z.string().min(1), ca: z.string().min(1), en: z.string().min(1) }).strict();
const CivilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day like 2027-01-22');

/** The weekdays of `hours`, in `Date#getUTCDay()` order of a civil day. */
export const APPOINTMENT_WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type AppointmentWeekday = (typeof APPOINTMENT_WEEKDAYS)[number];
const Day = z.enum(APPOINTMENT_WEEKDAYS);

/** One opening of a day, in minutes after local midnight: `start < end <= 1440`. */
export type MinuteRange = readonly [start: number, end: number];

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/**
 * The ranges of a day's hours ("09:00-14:00" or "09:00-14:00,16:00-18:30"), sorted; `undefined` when
 * the text is malformed, a range does not start before it ends, or two ranges overlap.
 *
 * @example dayRanges('09:00-14:00,16:00-18:30') // [[540, 840], [960, 1110]]
 */
export function dayRanges(spec: string): MinuteRange[] | undefined {
  const ranges: MinuteRange[] = [];
  for (const part of spec.split(',')) {
    const m = RANGE.exec(part.trim());
    if (!m) return undefined;
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = m[5] ? 1440 : Number(m[3]) * 60 + Number(m[4]);
    if (start >= end) return undefined;
    ranges.push([start, end]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return ranges.every((r, i) => i === 0 || (ranges[i - 1]?.[1] ?? 0) <= r[0]) ? ranges : undefined;
}

const DayHours = z.string().refine((s) => dayRanges(s) !== undefined, {
  message: 'hours like "09:00-14:00" or "09:00-14:00,16:00-18:30", each range starting before it ends, none overlapping',
});

/**
 * The days an office gives no appointments: its own (`local`), and optionally the public holidays of a
 * country and region from the date-holidays package (no network: the rules ship in the package). `except`
 * lists days that calendar closes but the office opens (a holiday the region moved).
 *
 * @example { country: ES, region: CT, local: ["2027-09-24"] }
 */
export const OfficeHolidaysSchema = z
  .object({
    /** ISO 3166-1 country whose public holidays close the office: ES, AR… Absent: only `local` days. */
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 country code like ES').optional(),
    /** Region (date-holidays' "state") whose holidays add to the country's: VC, CT, MD… Needs `country`. */
    region: z.string().regex(/^[A-Z0-9]{1,3}$/, 'a region code like CT').optional(),
    /** The city's or the office's own closed days (YYYY-MM-DD). */
    local: z.array(CivilDate).default([]),
    /** Days the country or region calendar closes on which the office opens after all. */
    except: z.array(CivilDate).default([]),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.country === undefined) {
      if (h.region !== undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: 'a region needs its country' });
      return;
    }
    const problem = unknownPlace({ country: h.country, ...(h.region === undefined ? {} : { region: h.region }) });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [h.region === undefined ? 'country' : 'region'] });
  });
export type OfficeHolidays = z.infer<typeof OfficeHolidaysSchema>;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false; // RangeError: not an IANA zone this Node knows; reported as a catalog issue
  }
};

/**
 * An office that attends citizens by appointment, and its calendar.
 *
 * Each slot of a procedure at the office has `placesPerSlot` places of its own: two procedures at one
 * office never take each other's places (their slots may differ in length, so they cannot share).
 */
export const AppointmentOfficeSchema = z
  .object({
    code: Code,
    name: z.string().min(1),
    address: z.string().min(1),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    /** IANA time zone of the office's hours and holidays. @defaultValue Europe/Madrid */
    timezone: z.string().refine(isTimeZone, { message: 'an IANA time zone like Europe/Madrid' }).default('Europe/Madrid'),
    /** Opening hours per weekday in the office's time zone, one or more ranges; a day that is absent is closed. */
    hours: z.partialRecord(Day, DayHours),
    /** How many citizens one slot of a procedure takes (desks serving it at once). */
    placesPerSlot: z.number().int().positive().max(1000),
    /** Closed days: the office's own and, optionally, a country's and region's public holidays. */
    holidays: OfficeHolidaysSchema.prefault({}),
  })
  .strict();
export type AppointmentOffice = z.infer<typeof AppointmentOfficeSchema>;

/** A procedure done in person, by appointment ("cita previa"): empadronamiento, DNI renewal… */
export const AppointmentProcedureSchema = z
  .object({
    code: Code,
    names: Names,
    /** Codes of the offices (from `appointments.offices`) that attend it. */
    offices: z.array(Code).min(1),
    /** How long one appointment lasts; slots follow each other from the opening of each range. */
    slotMinutes: z.number().int().min(5).max(480),
  })
  .strict();
export type AppointmentProcedure = z.infer<typeof AppointmentProcedureSchema>;

/**
 * Appointments ("turnos", "cita previa"; issue 16): procedures, the offices that attend them, and how
 * far ahead citizens may book. See connectors/appointments for slots and booking.
 */
export const AppointmentsSchema = z
  .object({
    /** How many days ahead (from today in the office's calendar) a citizen may book. @defaultValue 30 */
    horizonDays: z.number().int().positive().max(366).default(30),
    offices: z.array(AppointmentOfficeSchema).min(1),
    procedures: z.array(AppointmentProcedureSchema).min(1),
  })
  .strict()
  .superRefine((a, ctx) => {
    const offices = new Set<string>();
    a.offices.forEach((o, i) => {
      if (offices.has(o.code)) ctx.addIssue({ code: 'custom', path: ['offices', i, 'code'], message: `duplicate office "${o.code}"` });
      offices.add(o.code);
    });
    const procedures = new Set<string>();
    a.procedures.forEach((p, i) => {
      if (procedures.has(p.code)) ctx.addIssue({ code: 'custom', path: ['procedures', i, 'code'], message: `duplicate procedure "${p.code}"` });
      procedures.add(p.code);
      p.offices.forEach((o, j) => {
        if (!offices.has(o)) ctx.addIssue({ code: 'custom', path: ['procedures', i, 'offices', j], message: `unknown office "${o}"` });
      });
    });
  });
export type Appointments = z.infer<typeof AppointmentsSchema>;
