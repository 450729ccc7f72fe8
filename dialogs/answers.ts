import type { TicketContact } from '../connectors/connector';
import { normalize } from './classify/normalize';

/**
 * Reading free-text answers to intake questions: "no" to skip an optional question, and a contact
 * line such as "Ana, 612 345 678" or "ana@example.org".
 */

// First word that declines an optional question, in es/ca/en ("no gracias", "cap", "skip it").
const SKIP_FIRST_WORDS = new Set(['no', 'nop', 'nope', 'skip', 'saltar', 'omitir', 'paso', 'cap', 'ninguna', 'ninguno', 'none', 'nada', 'res', 'sin', 'sense', 'without', 'nothing']);

/** True when the answer declines an optional question. */
export function isSkip(text: string | undefined): boolean {
  const first = normalize(text ?? '').split(' ')[0] ?? '';
  return SKIP_FIRST_WORDS.has(first);
}

const EMAIL = /[^\s@,;<>]+@[^\s@,;<>]+\.[a-z]{2,}/i;
// Nine or more digits, optionally with a leading + and spaces, dots or dashes between groups.
const PHONE = /\+?\d(?:[\s.-]?\d){8,}/;

// Words around a contact that are not part of the name, normalized (no accents, lowercase).
const FILLER = new Set([
  'mi', 'me', 'llamo', 'soy', 'nombre', 'telefono', 'movil', 'correo', 'mail', 'email', 'e', 'es', 'y', 'o', 'de', 'contacto', 'mio',
  'em', 'dic', 'el', 'meu', 'nom', 'telefon', 'mobil', 'correu', 'i', 'contacte',
  'my', 'name', 'is', 'im', 'am', 'phone', 'number', 'and', 'or', 'contact',
]);

/** Splits a contact line into email, phone and whatever is left as the name. */
export function parseContact(text: string): TicketContact {
  let rest = text;
  const email = EMAIL.exec(rest)?.[0];
  if (email) rest = rest.replace(email, ' ');
  const phone = PHONE.exec(rest)?.[0];
  if (phone) rest = rest.replace(phone, ' ');
  // What is left is a name once the separators and filler words ("me llamo", "el meu correu és") are gone.
  const name = rest
    .split(/[\s,;:|/()–—-]+/)
    .filter((w) => w !== '' && !FILLER.has(normalize(w).replace(/ /g, '')))
    .join(' ');
  return {
    ...(name.length >= 2 ? { name } : {}),
    ...(phone ? { phone: phone.replace(/[\s.-]/g, '') } : {}),
    ...(email ? { email } : {}),
  };
}

/** A contact the council can actually use to reach the citizen. */
export function isReachable(contact: TicketContact): boolean {
  return contact.phone !== undefined || contact.email !== undefined;
}
