import type { TicketStatus } from '../connectors/connector';

/**
 * What anyone with the reference may know of a ticket: references are sequential (CAL-2026-000001,
 * …000002), so these fields must say nothing about the person, the place or what they wrote.
 */
export type PublicTicketView = Pick<TicketStatus, 'reference' | 'service' | 'type' | 'status' | 'createdAt' | 'updatedAt'> & { owner: false };

/** What the ticket's own citizen sees: the public status and the back office's latest note. */
export type OwnerTicketView = Omit<PublicTicketView, 'owner'> & { owner: true; note?: string };

export type TicketView = PublicTicketView | OwnerTicketView;

/**
 * The one rule for showing a ticket to a citizen: its owner (the ticket's citizen, after identity
 * linking, or the representative who filed it on their behalf) sees the note too; anyone else, or anyone when the connector does not say whose it is,
 * gets the public status only. Fields are copied one by one, so a field added to TicketStatus later
 * stays hidden until it is added here.
 */
export function ticketViewFor(status: TicketStatus, viewerCitizenId: string | undefined): TicketView {
  const shown = {
    reference: status.reference,
    service: status.service,
    type: status.type,
    status: status.status,
    createdAt: status.createdAt,
    updatedAt: status.updatedAt,
  };
  const owner = viewerCitizenId !== undefined && (status.citizenId === viewerCitizenId || status.representativeId === viewerCitizenId);
  if (!owner) return { ...shown, owner: false };
  return { ...shown, owner: true, ...(status.note !== undefined ? { note: status.note } : {}) };
}
