import { createRequire } from 'node:module';
import type HolidaysLibrary from 'date-holidays';

/** Where a calendar of public holidays applies: a country (ISO 3166-1, e.g. `ES`, `AR`), optionally one of its regions (`VC`, `CT`). */
export interface HolidayPlace {
  country: string;
  region?: string;
}

const DAY_MS = 86_400_000;
const require = createRequire(import.meta.url);
let library: typeof HolidaysLibrary | undefined;
/** date-holidays parses every country's rules when loaded (~150 ms): only a catalog that names a country pays for it. */
const Holidays = (): typeof HolidaysLibrary => (library ??= require('date-holidays') as typeof HolidaysLibrary);

const verdicts = new Map<string, string | undefined>();

/** Why date-holidays does not know `place` (with the codes it does know), or `undefined` when it does. */
export function unknownPlace(place: HolidayPlace): string | undefined {
  const key = `${place.country}/${place.region ?? ''}`;
  if (!verdicts.has(key)) verdicts.set(key, check(place));
  return verdicts.get(key);
}

function check({ country, region }: HolidayPlace): string | undefined {
  const lib = new (Holidays())();
  if (!lib.getCountries()[country]) return `unknown country "${country}" (ISO 3166-1 codes like ES, AR)`;
  if (region === undefined) return undefined;
  const regions = lib.getStates(country) ?? {};
  if (regions[region]) return undefined;
  const known = Object.keys(regions);
  return `country ${country} has no region "${region}"${known.length ? ` (one of ${known.join(', ')})` : ' (it has none)'}`;
}

const byPlaceAndYear = new Map<string, ReadonlySet<string>>();

/**
 * The national and regional public holidays of `place` in `year`, as YYYY-MM-DD days of its own calendar.
 * From date-holidays' rules shipped in the package (Easter, "third Monday", substitutes…): no network at run
 * time. A holiday of several days closes each of them; one that starts later than midnight (a half day such
 * as some Christmas Eves) closes nothing — a catalog that closes that whole day lists it among its own.
 * Computed once per place and year for the process.
 *
 * @example publicHolidays({ country: 'ES', region: 'VC' }, 2026).has('2026-03-19') // San José: true
 */
export function publicHolidays(place: HolidayPlace, year: number): ReadonlySet<string> {
  const key = `${place.country}/${place.region ?? ''}/${year}`;
  let days = byPlaceAndYear.get(key);
  if (!days) {
    const problem = unknownPlace(place);
    if (problem) throw new Error(`public holidays: ${problem}`);
    const lib = place.region === undefined ? new (Holidays())(place.country) : new (Holidays())(place.country, place.region);
    const found = new Set<string>();
    for (const holiday of lib.getHolidays(year)) {
      if (holiday.type !== 'public' || !holiday.date.endsWith(' 00:00:00')) continue;
      const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let i = 0; i < length; i++) found.add(new Date(first + i * DAY_MS).toISOString().slice(0, 10));
    }
    byPlaceAndYear.set(key, (days = found));
  }
  return days;
}
