import type { ExternalTicket } from '../back-office';

/**
 * An ExternalTicket plus answers to its service's attributes (`GET services/{code}`), sent as
 * `attribute[code]=value`, or `attribute[code][]=value` once per value for a multivaluelist.
 */
export type Open311Ticket = ExternalTicket & { attributes?: Record<string, string | string[]> };

// The spec caps description at 4000 characters; servers truncate, and a truncated Ref line would
// make the duplicate lookup blind. So we shorten the citizen's text, never the reference.
const MAX_DESCRIPTION = 4000;

/**
 * The description we send: the citizen's text, a blank line, and `Ref: <reference>` as the last line.
 * @example describeWithReference('Farola apagada', 'ALU-2026-000123') // 'Farola apagada\n\nRef: ALU-2026-000123'
 */
export function describeWithReference(description: string, reference: string): string {
  const line = `Ref: ${reference}`;
  const chars = [...description.trim()];
  const room = MAX_DESCRIPTION - line.length - 2;
  const body = chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : chars.join('');
  return body ? `${body}\n\n${line}` : line;
}

/** Best effort split of a full name: the first word is `first_name`, the rest `last_name`. */
export function splitName(name: string | undefined): { first?: string; last?: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  return { first: words[0], last: words.length > 1 ? words.slice(1).join(' ') : undefined };
}

/**
 * The form fields of `POST requests` for a ticket (jurisdiction_id is added by the transport).
 * `device_id` is the idempotency key: the spec's free field for "what submitted this", and one
 * more place a back-office operator can see that two requests came from one job.
 */
export function ticketForm(ticket: Open311Ticket, key: string, apiKey: string | undefined): Array<[string, string]> {
  const { point, address } = ticket.location ?? {};
  const { first, last } = splitName(ticket.contact?.name);
  const fields: Array<[string, string | number | undefined]> = [
    ['api_key', apiKey],
    ['service_code', ticket.serviceCode],
    ['lat', point?.latitude],
    ['long', point?.longitude],
    ['address_string', address?.trim()],
    ['email', ticket.contact?.email],
    ['first_name', first],
    ['last_name', last],
    ['phone', ticket.contact?.phone],
    ['description', describeWithReference(ticket.description, ticket.reference)],
    ['media_url', ticket.mediaUrls[0]],
    ['device_id', key],
  ];
  for (const [code, value] of Object.entries(ticket.attributes ?? {})) {
    if (Array.isArray(value)) for (const v of value) fields.push([`attribute[${code}][]`, v]);
    else fields.push([`attribute[${code}]`, value]);
  }
  return fields.flatMap(([k, v]): Array<[string, string]> => (v === undefined || v === '' ? [] : [[k, String(v)]]));
}
