/** Citizen-facing ticket references: `<PREFIX>-<year>-<number, 6 digits>`, e.g. ALU-2026-000123. */
export function formatReference(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

/** How references are stored and looked up: citizens type them in any case and with stray spaces. */
export function normalizeReference(reference: string): string {
  return reference.trim().toUpperCase();
}

/**
 * The calendar year of `at` in the city's time zone: a ticket filed at 00:30 on 1 January in Madrid
 * belongs to the new year even though it is still 31 December in UTC.
 */
export function yearIn(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}
