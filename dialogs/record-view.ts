import type { Locale } from '../catalog/schema';
import type { CensusRecord, Money, RecordItem } from '../connectors/records/citizen-records';
import { LOCALE_TAGS, say, type Say } from './i18n';

/** A chat message, not the electronic office: the first few, a count of the rest and the links. */
export const MAX_RECORDS_SHOWN = 5;

/** "90,00 €" in the citizen's language; an unknown currency code as "90.00 XYZ". */
export function formatMoney(locale: Locale, m: Money): string {
  try {
    return new Intl.NumberFormat(LOCALE_TAGS[locale], { style: 'currency', currency: m.currency }).format(m.value);
  } catch {
    return `${m.value.toFixed(2)} ${m.currency}`;
  }
}

/**
 * A date the city sent (RFC 3339 date or date-time) as the citizen reads it, "13 mar 2027", on the
 * city's calendar (`timeZone`); what is not a date is shown as sent. A bare date is a calendar day,
 * shown as that day whatever the time zone.
 */
export function formatDay(locale: Locale, value: string, timeZone: string): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(day ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'medium', timeZone: day ? 'UTC' : timeZone }).format(date);
}

/** One record as a line of the list: its id, title, state, amount and due date where given, and its link. */
export function recordLine(locale: Locale, r: RecordItem, timeZone: string): Say {
  const parts = [r.state, r.amount ? formatMoney(locale, r.amount) : undefined].filter((x): x is string => !!x);
  return say(r.dueDate ? 'records.itemDue' : 'records.item', {
    id: r.id, title: r.title, details: parts.map((x) => ` · ${x}`).join(''), url: r.url, ...(r.dueDate ? { due: formatDay(locale, r.dueDate, timeZone) } : {}),
  });
}

/** The census entry: address, since when, household and link. */
export function censusLines(locale: Locale, c: CensusRecord, timeZone: string): Say {
  return say('records.census', {
    address: c.address,
    since: c.since ? formatDay(locale, c.since, timeZone) : '—',
    household: c.householdSize ?? '—',
    url: c.url,
  });
}
