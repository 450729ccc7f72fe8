import type { Activity } from 'botbuilder';
import { locationOf } from '../bot/activity';
import type { GeoPoint, TicketAttachment, TicketContact, TicketDraft, TicketLocation } from '../connectors/connector';
import type { Field, Locale, ProcedureType, Service } from '../catalog/schema';
import { say, type Say } from './i18n';
import { attachmentsOf } from './prompts';
import { describesProblem, extractDescription } from './understand/describe';
import { extractPlace } from './understand/extract-place';
import type { Understood } from './understand/understanding';
import type { ForWhom } from './for-whom-dialog';

/**
 * What intake has collected so far. Lives in dialog state (plain JSON) from the first message to
 * the filed ticket, so a retried turn or a "sí" after a back-office outage resumes with it.
 */
export interface IntakeDraft {
  /** Idempotency key of this intake: generated once, so every retry files the same ticket. */
  key: string;
  /** What the citizen wrote to describe the problem, in order. */
  texts: string[];
  service?: string;
  type?: ProcedureType;
  /**
   * No service fitted after two tries; filed as an inquiry under the best guess. Seam for handoff:
   * these are the intakes a person should take over instead.
   */
  unclassified?: boolean;
  location?: TicketLocation;
  photos: TicketAttachment[];
  contact?: TicketContact;
  /** Answers to the back office's own questions for the service (see BackOfficeQuestionsDialog). */
  attributes?: Record<string, string | string[]>;
  /** Fields already asked for, so an optional question declined with "no" is not asked again. */
  asked: Field[];
  /**
   * The type was decided by the citizen (the "Hacer un reclamo" button, or "Cambiar tipo" at the
   * confirmation): classification never overrides it.
   */
  typeFixed?: boolean;
  /** Everything the citizen wrote during this intake, answers included (to find a value "ya te lo di" points at). */
  said?: string[];
  /** Fields re-asked once after a non-answer ("sí", "no sé", "ya te lo di"). */
  reasked?: Field[];
  /** For whom it is filed, once asked (dialogs/for-whom-dialog.ts): `{}` for the citizen themselves. */
  forWhom?: ForWhom;
}

/** What the first message brought besides its text. */
export interface IntakeSeed {
  text?: string;
  /** The procedure type a button the citizen pressed chose ("Hacer un reclamo"). */
  type?: ProcedureType;
  point?: GeoPoint;
  photos?: TicketAttachment[];
}

export function newDraft(key: string, seed: IntakeSeed): IntakeDraft {
  return {
    key,
    texts: seed.text ? [seed.text] : [],
    photos: seed.photos ?? [],
    asked: [],
    said: seed.text ? [seed.text] : [],
    ...(seed.type ? { type: seed.type, typeFixed: true } : {}),
    ...(seed.point ? { location: { point: seed.point } } : {}),
  };
}

/** The description filed with the ticket: everything the citizen wrote about it, without greeting filler. */
export function descriptionOf(draft: IntakeDraft): string {
  return draft.texts.map(extractDescription).join('\n');
}

// A message says what is wrong when something is left once the greeting and the place are gone
// ("farola apagada en la calle Colón 12" yes; "calle Colón 12" or "hola" no).
function describedEnough(draft: IntakeDraft): boolean {
  return draft.texts.some((t) => describesProblem(t, extractPlace(t)));
}

/**
 * The next field to ask for, and whether the citizen may skip it; undefined when intake is complete.
 * Only what the service requires is asked: optional fields (a photo, a contact) are offered at the
 * confirmation instead, so a report that says what and where is one "Enviar" away from its ticket.
 * `askOptional` restores the old behaviour (every optional field asked once).
 */
export function nextField(draft: IntakeDraft, service: Service, askOptional = false): { field: Field; required: boolean } | undefined {
  // An inquiry is about something, not somewhere: location and photo are not asked for it.
  const inquiry = draft.type === 'consulta';
  const required = new Set(service.requires.filter((f) => !(inquiry && f === 'location')));
  const optional = new Set(askOptional ? service.optional.filter((f) => !(inquiry && (f === 'location' || f === 'photo'))) : []);
  const order: Field[] = ['location', 'description', 'photo', 'contact'];
  for (const field of order) {
    if (!required.has(field) && !optional.has(field)) continue;
    if (draft.asked.includes(field) || has(draft, field)) continue;
    return { field, required: required.has(field) };
  }
  return undefined;
}

function has(draft: IntakeDraft, field: Field): boolean {
  switch (field) {
    case 'location':
      return draft.location !== undefined;
    case 'description':
      return describedEnough(draft);
    case 'photo':
      return draft.photos.length > 0;
    case 'contact':
      return draft.contact !== undefined;
  }
}

/** A pin or photos sent while answering another question still belong to the report. */
export function harvest(draft: IntakeDraft, activity: Partial<Activity>): IntakeDraft {
  const point = locationOf(activity);
  const photos = attachmentsOf(activity).filter((p) => !draft.photos.some((q) => q.url === p.url));
  return {
    ...draft,
    photos: [...draft.photos, ...photos],
    ...(point && !draft.location?.point ? { location: { ...draft.location, point } } : {}),
  };
}

/** Where the ticket goes and who filed it: the parts of a TicketDraft that come from the turn. */
export interface Filing {
  service: Service;
  citizenId: string;
  /** The citizen who files it on `citizenId`'s behalf, if someone does. */
  representativeId?: string;
  channel: string;
  conversationId: string;
  locale: Locale;
}

export function toTicketDraft(draft: IntakeDraft, f: Filing): TicketDraft {
  return {
    service: f.service.code,
    type: draft.type ?? 'consulta',
    connectorCode: f.service.connector.code,
    description: descriptionOf(draft),
    attachments: draft.photos,
    citizenId: f.citizenId,
    ...(f.representativeId ? { representativeId: f.representativeId } : {}),
    channel: f.channel,
    conversationId: f.conversationId,
    locale: f.locale,
    ...(draft.location ? { location: draft.location } : {}),
    ...(draft.contact ? { contact: draft.contact } : {}),
    ...(draft.attributes ? { attributes: draft.attributes } : {}),
  };
}

// The summary repeats the description so the citizen can check it, but a 4,000-character story
// would bury the question under it.
const SUMMARY_DESCRIPTION_CHARS = 280;

/** The summary shown before filing: type, service, location, description, photo, contact. */
export function summaryOf(draft: IntakeDraft): Say {
  const description = descriptionOf(draft).replace(/\s+/g, ' ');
  const lines: Say[] = [
    say('summary.type', { type: { type: draft.type ?? 'consulta' } }),
    say('summary.service', { service: { service: draft.service ?? '' } }),
  ];
  if (draft.location) lines.push(say('summary.location', { location: locationText(draft.location) }));
  lines.push(
    say('summary.description', {
      description: description.length > SUMMARY_DESCRIPTION_CHARS ? `${description.slice(0, SUMMARY_DESCRIPTION_CHARS)}…` : description,
    }),
    say('summary.photo', { photo: draft.photos.length > 0 ? say('summary.photoCount', { count: draft.photos.length }) : say('choice.no') }),
  );
  if (draft.contact) {
    const c = draft.contact;
    lines.push(say('summary.contact', { contact: [c.name, c.phone, c.email].filter((x) => x !== undefined).join(', ') }));
  }
  return say('intake.summary', { lines });
}

function locationText(l: TicketLocation): string | Say {
  if (l.address) return l.address;
  if (l.point) return say('summary.point', { latitude: l.point.latitude.toFixed(5), longitude: l.point.longitude.toFixed(5) });
  return '';
}

// The confirmation quotes the description so the citizen can check it, short enough to read on a phone.
const CONFIRM_DESCRIPTION_CHARS = 200;

/**
 * The one confirmation: "Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío?", then what
 * the citizen said, the photos and the contact when there are any.
 */
export function confirmationOf(draft: IntakeDraft): Say {
  const description = descriptionOf(draft).replace(/\s+/g, ' ');
  const details: Say[] = [
    say('confirm.description', { description: description.length > CONFIRM_DESCRIPTION_CHARS ? `${description.slice(0, CONFIRM_DESCRIPTION_CHARS)}…` : description }),
  ];
  if (draft.photos.length > 0) details.push(say('confirm.photos', { count: draft.photos.length }));
  if (draft.contact) {
    const c = draft.contact;
    details.push(say('confirm.contact', { contact: [c.name, c.phone, c.email].filter((x) => x !== undefined).join(', ') }));
  }
  const type = { type: draft.type ?? 'consulta' } as const;
  const service = { service: draft.service ?? '' };
  return draft.location
    ? say('confirm.withPlace', { type, service, place: locationText(draft.location), details })
    : say('confirm.noPlace', { type, service, details });
}

/** A draft with what a message said besides the problem: the place and a contact, unless already given. */
export function withUnderstood(draft: IntakeDraft, u: Understood): IntakeDraft {
  return {
    ...draft,
    ...(u.place && !draft.location?.address ? { location: { ...draft.location, address: u.place.display } } : {}),
    ...(u.contact && !draft.contact ? { contact: u.contact } : {}),
  };
}
