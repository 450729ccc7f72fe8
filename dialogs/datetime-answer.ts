import { normalize } from './classify/normalize';

/**
 * A citizen's answer to a back office's `datetime` question ("¿Desde cuándo?"), read as a W3C datetime
 * with the city's offset (`2026-12-03T10:30:00+01:00`), or undefined when it is not one: Open311
 * servers refuse a request whose datetime attribute they cannot parse, so the dialog asks again
 * instead of sending "el martes pasado".
 *
 * Read: `2026-12-03`, `3/12/2026`, `3-12-26`, `3.12` (this year), day first as in Spain and
 * Argentina; `hoy`/`avui`/`today`, `ayer`/`ahir`/`yesterday`, `anteayer`/`abans d'ahir`; an optional time
 * (`10:30`, `10h`, `a las 10`, `at 9 pm`). A time alone is today. A date alone is its midnight.
 */
export function datetimeAnswer(text: string, now: Date, timeZone: string): string | undefined {
  const t = ` ${normalize(text)} `;
  const raw = ` ${text.toLowerCase()} `;
  const today = wallDate(now, timeZone);
  const date = explicitDate(raw, today.year) ?? relativeDate(t, today);
  const time = timeOf(raw);
  if (!date && !time) return undefined;
  if (time === null) return undefined;
  const d = date ?? today;
  if (!validDate(d.year, d.month, d.day)) return undefined;
  const hh = time?.hour ?? 0;
  const mm = time?.minute ?? 0;
  const wall = Date.UTC(d.year, d.month - 1, d.day, hh, mm);
  const offset = offsetMinutes(new Date(wall - offsetMinutes(new Date(wall), timeZone) * 60_000), timeZone);
  return `${d.year}-${pad(d.month)}-${pad(d.day)}T${pad(hh)}:${pad(mm)}:00${formatOffset(offset)}`;
}

interface Ymd { year: number; month: number; day: number }

const ISO_DATE = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/;
const DAY_FIRST = /(?<![\d:])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?![\d:])/;

function explicitDate(raw: string, thisYear: number): Ymd | undefined {
  const iso = ISO_DATE.exec(raw);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const dm = DAY_FIRST.exec(raw);
  if (!dm) return undefined;
  const y = dm[3] === undefined ? thisYear : dm[3].length === 2 ? 2000 + Number(dm[3]) : Number(dm[3]);
  return { year: y, month: Number(dm[2]), day: Number(dm[1]) };
}

// Normalized (no accents, lowercase, punctuation as spaces), longest first: "anteayer" before "ayer".
const DAYS_AGO: ReadonlyArray<readonly [RegExp, number]> = [
  [/ (?:anteayer|antes de ayer|abans d ahir|abans dahir|the day before yesterday) /, 2],
  [/ (?:ayer|ahir|yesterday) /, 1],
  [/ (?:hoy|avui|today|esta manana|aquest mati|this morning|esta tarde|aquesta tarda|this afternoon|esta noche|aquesta nit|tonight) /, 0],
];

function relativeDate(t: string, today: Ymd): Ymd | undefined {
  for (const [re, days] of DAYS_AGO) {
    if (!re.test(t)) continue;
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - days));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  return undefined;
}

const CLOCK = /(?<![\d/.-])(\d{1,2})(?::(\d{2}))?\s*(h\b|hs\b|am\b|pm\b|a\.m\.|p\.m\.)?/g;
const CUE = /(?:^|\s)(?:a las|a la|sobre las|cap a les|a les|at|around)$/;

/** The time said, undefined when none, null when one was said but is impossible (25:00). */
function timeOf(raw: string): { hour: number; minute: number } | null | undefined {
  for (const m of raw.matchAll(CLOCK)) {
    const before = raw.slice(0, m.index);
    const hasMinutes = m[2] !== undefined;
    const suffix = m[3]?.replace(/\./g, '');
    // A bare number is a time only after "a las" / "at" or with h/am/pm ("3" alone may be a day).
    if (!hasMinutes && !suffix && !CUE.test(before.trimEnd())) continue;
    // A date's parts ("3/12", "2026-12-03") are not times.
    if (/[/.-]$/.test(before) || /^[/.-]\d/.test(raw.slice(m.index + m[0].length))) continue;
    let hour = Number(m[1]);
    const minute = hasMinutes ? Number(m[2]) : 0;
    if (suffix === 'pm' && hour < 12) hour += 12;
    if (suffix === 'am' && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) return null;
    return { hour, minute };
  }
  return undefined;
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The calendar date of `now` on the city's clocks. */
function wallDate(now: Date, timeZone: string): Ymd {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The city's offset from UTC at `at`, in minutes (+60 for Madrid in winter). */
function offsetMinutes(at: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
