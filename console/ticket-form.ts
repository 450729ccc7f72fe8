import { z } from 'zod';
import { BadInputError } from '../bot/errors';
import type { TicketAttachment, TicketLocation } from '../connectors/connector';
import type { HandoffSummary } from '../dialogs/engine-deps';

/**
 * The place and photos of a ticket an agent creates from the console form. The form comes filled with what
 * the bot collected (the handoff's summary) and the agent may change it: a field left out of the body keeps
 * the bot's value (older consoles send none), an empty address or a null point removes it, and `photos`
 * picks the bot's photos by their index (never a URL from the browser: only what the citizen sent is attached).
 */
export const TicketPlaceFields = {
  address: z.string().trim().max(300).optional(),
  point: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict().nullable().optional(),
  photos: z.array(z.number().int().min(0)).max(20).optional(),
};

export type TicketPlaceInput = { address?: string | undefined; point?: { lat: number; lon: number } | null | undefined; photos?: number[] | undefined };

/** The ticket's location and attachments from the form's choices over the bot's summary. */
export function ticketPlace(summary: HandoffSummary, form: TicketPlaceInput): { location?: TicketLocation; attachments: TicketAttachment[] } {
  const bots = summary.photos ?? [];
  const chosen = form.photos ?? bots.map((_, i) => i);
  const attachments = [...new Set(chosen)].map((i) => {
    const url = bots[i];
    if (url === undefined) throw new BadInputError(`There is no photo ${i} in this conversation.`);
    return { url, contentType: 'image/jpeg' };
  });
  const address = form.address === undefined ? summary.address : form.address || undefined;
  const point = form.point === undefined ? summary.point : form.point ?? undefined;
  if (!address && !point) return { attachments };
  return { attachments, location: { ...(address ? { address } : {}), ...(point ? { point: { latitude: point.lat, longitude: point.lon } } : {}) } };
}
