import type { CitizenTraces } from './erase-sql';

/** Ids shorter than this would match other people's data by chance. */
const MIN_ID = 4;

/**
 * Whether a stored value (a Redis key or value, a file) mentions a citizen: one of their ids as a whole
 * token (not inside a longer id or number: chat 1234567 is not in timestamp 171234567890), or one of
 * their texts as written or as JSON escapes it (queued jobs and dialog state are JSON).
 */
export function traceMatcher(traces: Pick<CitizenTraces, 'ids' | 'texts'>): (value: string) => boolean {
  const ids = traces.ids.filter((id) => id.length >= MIN_ID).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const idPattern = ids.length ? new RegExp(`(?<![A-Za-z0-9])(?:${ids.join('|')})(?![A-Za-z0-9])`) : undefined;
  const texts = [...new Set(traces.texts.flatMap((t) => [t, JSON.stringify(t).slice(1, -1)]))];
  return (value) => (idPattern?.test(value) ?? false) || texts.some((t) => value.includes(t));
}
