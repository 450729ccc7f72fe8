import type { Locale } from '../catalog/schema';
import { LOCALE_TAGS } from './i18n';

/* How an appointment's day and time read in each language, on the office's calendar: the booking
 * conversation, the list of appointments and the reminder share them. */

/** "lunes 8 de marzo" / "dilluns, 8 de març" / "Monday 8 March", on the office's calendar. */
export function dayLabel(locale: Locale, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(at);
}

/** "09:15" on the office's clock. */
export function timeLabel(locale: Locale, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
}

/** "lunes 8 de marzo, 09:15". */
export function whenLabel(locale: Locale, at: Date, timeZone: string): string {
  return `${dayLabel(locale, at, timeZone)}, ${timeLabel(locale, at, timeZone)}`;
}
