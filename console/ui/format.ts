import { ApiError } from './api';
import { h } from './dom';
import { T } from './i18n';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Seconds as `m:ss`, or `h:mm:ss` past an hour. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = pad(s % 60);
  return hours > 0 ? `${hours}:${pad(mm)}:${ss}` : `${mm}:${ss}`;
}

/** `10:32` today, `12/03 10:32` another day, `12/03/2023 10:32` another year; `dateOnly` drops the time. */
export function when(iso: string, dateOnly = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const now = new Date();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const day = `${pad(d.getDate())}/${pad(d.getMonth() + 1)}`;
  if (d.getFullYear() !== now.getFullYear()) return dateOnly ? `${day}/${d.getFullYear()}` : `${day}/${d.getFullYear()} ${time}`;
  if (dateOnly) return day;
  return d.toDateString() === now.toDateString() ? time : `${day} ${time}`;
}

/** Milliseconds since the epoch, or 0 for an unparseable date (sorts first). */
export const ms = (iso: string): number => Date.parse(iso) || 0;

export const channelName = (channel: string): string => T.channels[channel] ?? channel;

/** A small coloured badge with the channel's name (colour is decoration; the name is the label). */
export function channelBadge(channel: string): HTMLElement {
  const known = channel in T.channels ? channel : 'other';
  return h('span', { class: `chan chan-${known}`, text: channelName(channel) });
}

export const statusName = (status: string): string => (T.status as Record<string, string>)[status] ?? status;
export const typeName = (type: string | undefined): string => (type ? (T.types[type] ?? type) : '');

/**
 * What to show an agent for a failed call: the console's own text for the error's code, never the
 * server's `message` (meant for logs, and English for some codes).
 */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return T.errors.generic;
  if (err.status === 0) return T.errors.network;
  return T.errors.byCode[err.code] ?? (err.status === 503 ? T.errors.unavailable : T.errors.generic);
}

/** Shows what went wrong in a view's alert line (a `role="alert"` element, hidden until there is something to say). */
export function showError(alert: HTMLElement, err: unknown): void {
  alert.textContent = errorText(err);
  alert.hidden = false;
}
