import { publicHolidays, unknownPlace } from '../catalog/public-holidays';
import type { Team, Weekday } from '../catalog/schema';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How far ahead `nextOpening` and `closesAt` look before giving up. */
const SEARCH_DAYS = 366;
/** Indexed by `Date#getUTCDay()` of a civil day. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Minutes after local midnight, `start < end <= 1440`. */
type Range = readonly [start: number, end: number];
/** Epoch milliseconds, `open < close`. */
type Interval = readonly [open: number, close: number];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    const numeric = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;
    f = new Intl.DateTimeFormat('en-US', { ...numeric, hourCycle: 'h23', timeZone: timezone });
    formatters.set(timezone, f);
  }
  return f;
}

/** The zone's wall clock at instant `ms`, written as if it were UTC (so `wall - ms` is the zone's offset). */
export function wallAsUtc(ms: number, timezone: string): number {
  const parts = formatter(timezone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
}

const offsetAt = (ms: number, timezone: string): number => wallAsUtc(ms, timezone) - Math.floor(ms / 1000) * 1000;

/**
 * The instant the zone's wall clock reads `wall` (written as UTC). Ambiguous (fall-back): the first occurrence.
 * Nonexistent (spring-forward gap): the first valid instant after, i.e. the moment of the change.
 * Kept on Intl rather than a date library (issue 14): moment-timezone, already here through date-holidays,
 * reads Madrid's 02:30 on the spring-forward Sunday as 03:30 CEST, an hour after the desk really opens.
 */
export function instantOf(wall: number, timezone: string): number {
  // Offsets a day either side bracket the single DST change that can be near `wall`.
  const offsets = new Set([offsetAt(wall - DAY_MS, timezone), offsetAt(wall + DAY_MS, timezone)]);
  const candidates = [...offsets].map((o) => wall - o).sort((a, b) => a - b);
  const valid = candidates.find((t) => wallAsUtc(t, timezone) === wall);
  if (valid !== undefined) return valid;
  let lo = candidates[0] ?? wall;
  let hi = candidates[candidates.length - 1] ?? wall;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / MINUTE_MS / 2) * MINUTE_MS;
    if (wallAsUtc(mid, timezone) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function parseRange(team: string, day: Weekday, text: string): Range {
  const m = /^(\d{2}):([0-5]\d)-(\d{2}):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new Error(`team "${team}": ${day} hours "${text}" are not like "08:00-15:00"`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (end > 1440) throw new Error(`team "${team}": ${day} range "${text}" ends after 24:00`);
  if (start >= end) throw new Error(`team "${team}": ${day} range "${text}" must start before it ends`);
  return [start, end];
}

/**
 * When a team answers handoffs, in the city's time zone, correct across DST changes.
 *
 * A weekday missing from `hours` is closed; a team with no `hours` at all is open around the clock,
 * except on its `holidays` (days of the city's calendar closed from 00:00 to 24:00: its country's and
 * region's public holidays, see catalog/public-holidays, and its own).
 *
 * @example
 * const hours = new OfficeHours(team, catalog.city.timezone);
 * if (!hours.isOpen(now)) reply(describeOpening(hours.nextOpening(now)!, 'es', catalog.city.timezone)); // dialogs/opening-time
 */
export class OfficeHours {
  private readonly ranges = new Map<Weekday, readonly Range[]>();
  /** Whether a YYYY-MM-DD day of the city's calendar is a holiday; `undefined`: the team has none. */
  private readonly isHoliday: ((day: string) => boolean) | undefined;
  private readonly alwaysOpen: boolean;

  /**
   * @throws Error naming the team and day when a range is malformed or does not start before it ends, or the team when
   * its holidays name an unknown country or region; RangeError for an unknown zone.
   */
  constructor(
    team: Pick<Team, 'code' | 'hours' | 'holidays'>,
    readonly timezone: string,
  ) {
    formatter(timezone);
    this.isHoliday = holidayTest(team);
    this.alwaysOpen = team.hours === undefined && this.isHoliday === undefined;
    for (const day of WEEKDAYS) {
      const spec = team.hours === undefined ? '00:00-24:00' : team.hours[day];
      if (spec === undefined) continue;
      const ranges = spec.split(',').map((r) => parseRange(team.code, day, r));
      this.ranges.set(day, ranges.sort((a, b) => a[0] - b[0]));
    }
  }

  /** Whether the team is answering at `at`. */
  isOpen(at: Date): boolean {
    return this.alwaysOpen || this.current(at.getTime()) !== undefined;
  }

  /**
   * The next instant the team opens: `at` itself when open now, else the first opening strictly after it.
   * `undefined` when it does not open within 366 days (e.g. `hours: {}`).
   */
  nextOpening(at: Date): Date | undefined {
    if (this.isOpen(at)) return new Date(at);
    if (this.ranges.size === 0) return undefined; // hours: {}, no need to walk a year of days
    const t = at.getTime();
    const first = this.dayOf(t);
    for (let day = first; day <= first + SEARCH_DAYS; day++) {
      const next = this.intervalsOn(day).find(([open]) => open > t);
      if (next) return new Date(next[0]);
    }
    return undefined;
  }

  /**
   * When the opening that contains `at` ends. Ranges that touch ("…-24:00" then "00:00-…" the next day)
   * count as one opening. `undefined` when closed at `at`, when always open, or when open for a year on end.
   */
  closesAt(at: Date): Date | undefined {
    if (this.alwaysOpen) return undefined;
    const t = at.getTime();
    let close = this.current(t)?.[1];
    if (close === undefined) return undefined;
    const first = this.dayOf(t);
    for (let day = first; day <= this.dayOf(close); day++) {
      if (day > first + SEARCH_DAYS) return undefined;
      for (const [open, end] of this.intervalsOn(day)) if (open <= close && end > close) close = end;
    }
    return new Date(close);
  }

  /** The city-calendar day of instant `ms`, as days since 1970-01-01. */
  private dayOf(ms: number): number {
    return Math.floor(wallAsUtc(ms, this.timezone) / DAY_MS);
  }

  private current(t: number): Interval | undefined {
    const day = this.dayOf(t);
    return [...this.intervalsOn(day - 1), ...this.intervalsOn(day)].find(([open, close]) => open <= t && t < close);
  }

  /** The day's openings as instants, in order. */
  private intervalsOn(day: number): Interval[] {
    const date = new Date(day * DAY_MS);
    if (this.isHoliday?.(date.toISOString().slice(0, 10))) return [];
    const toInstant = (minutes: number): number => instantOf(day * DAY_MS + minutes * MINUTE_MS, this.timezone);
    return (this.ranges.get(WEEKDAYS[date.getUTCDay()] ?? 'sun') ?? [])
      .map(([start, end]): Interval => [toInstant(start), toInstant(end)])
      .filter(([open, close]) => open < close); // a range wholly inside a spring-forward gap never opens
  }
}

/** A test for the team's closed days, or `undefined` when it has none (so a team without hours is always open). */
function holidayTest({ code, holidays }: Pick<Team, 'code' | 'holidays'>): ((day: string) => boolean) | undefined {
  if (Array.isArray(holidays)) {
    const days = new Set(holidays);
    return days.size === 0 ? undefined : (day) => days.has(day);
  }
  const local = new Set(holidays.local);
  const except = new Set(holidays.except);
  const problem = unknownPlace(holidays);
  if (problem) throw new Error(`team "${code}": holidays: ${problem}`);
  return (day) => {
    if (local.has(day)) return true;
    if (except.has(day)) return false;
    const year = Number(day.slice(0, 4));
    // A holiday of several days may begin the year before (31 December to 1 January).
    return publicHolidays(holidays, year).has(day) || publicHolidays(holidays, year - 1).has(day);
  };
}
