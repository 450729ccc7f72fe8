import type { Locale } from '../catalog/schema';

const INTL_TAGS: Readonly<Record<Locale, string>> = { es: 'es', ca: 'ca', en: 'en-GB' };
const TEMPLATES: Readonly<Record<Locale, (weekday: string, dayMonth: string, time: string) => string>> = {
  es: (w, dm, t) => `el ${w} ${dm} a las ${t}`,
  ca: (w, dm, t) => `${w} ${dm} a les ${t}`,
  en: (w, dm, t) => `${w} ${dm} at ${t}`,
};

/**
 * Tells a citizen when a team opens, in the city's time zone.
 *
 * @example
 * describeOpening(new Date('2026-11-30T07:00:00Z'), 'es', 'Europe/Madrid'); // "el lunes 30 de noviembre a las 08:00"
 * describeOpening(new Date('2026-11-30T07:00:00Z'), 'ca', 'Europe/Madrid'); // "dilluns 30 de novembre a les 08:00"
 * describeOpening(new Date('2026-11-30T07:00:00Z'), 'en', 'Europe/Madrid'); // "Monday 30 November at 08:00"
 */
export function describeOpening(date: Date, locale: Locale, timezone: string): string {
  const format = (options: Intl.DateTimeFormatOptions): string =>
    new Intl.DateTimeFormat(INTL_TAGS[locale], { ...options, timeZone: timezone }).format(date);
  // Day and month together, so Intl supplies "de"/"d’" (Catalan elides before a vowel: "6 d’abril").
  const dayMonth = format({ day: 'numeric', month: 'long' });
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return TEMPLATES[locale](format({ weekday: 'long' }), dayMonth, time);
}
