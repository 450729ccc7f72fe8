import type { Locale, ProcedureType } from '../catalog/schema';

export interface GeoPoint { latitude: number; longitude: number }

/** Where the problem is: an address the citizen typed, a shared pin, or both. */
export interface TicketLocation { address?: string; point?: GeoPoint }

export interface TicketAttachment { contentType: string; url: string; name?: string }

export interface TicketContact { name?: string; phone?: string; email?: string }

/** Everything intake collected, ready to become a ticket in a back office. */
export interface TicketDraft {
  service: string;
  type: ProcedureType;
  /** The service's code in the target back office (catalog `connector.code`). */
  connectorCode: string;
  description: string;
  location?: TicketLocation;
  attachments: TicketAttachment[];
  contact?: TicketContact;
  /** Answers to the back office's own questions (Open311 service attributes), by code. */
  attributes?: Record<string, string | string[]>;
  citizenId: string;
  /** Who files it on the citizen's behalf (an approved representative, issue 16 part 4); absent: the citizen. */
  representativeId?: string;
  channel: string;
  conversationId: string;
  locale: Locale;
}

/**
 * Handle to a ticket in a back office. `reference` is what the citizen sees (ALU-2026-000123).
 * `pending`: filed locally, on its way to the city's back office (the citizen is told when it arrives).
 */
export interface TicketRef { id: string; reference: string; url?: string; pending?: boolean }

export type ConnectorKind = 'builtin' | 'open311' | 'webhook';

export const TICKET_STATES = ['open', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export interface TicketStatusChange { status: TicketState; at: string; note?: string }

export interface TicketStatus {
  reference: string;
  service: string;
  type: ProcedureType;
  status: TicketState;
  createdAt: string;
  updatedAt: string;
  /** Latest note from the back office, if any. */
  note?: string;
  history: TicketStatusChange[];
  /**
   * The citizen the ticket belongs to (after identity linking), when the connector knows: only they see
   * more than its public status (dialogs/ticket-view). Absent: nobody does.
   */
  citizenId?: string;
  /** Who filed it on the citizen's behalf, when someone did (issue 16 part 4). */
  representativeId?: string;
  /**
   * What the citizen wrote and where, in tickets listed for that same citizen (`listForCitizen`), so a
   * question like "¿cómo va lo de la farola?" can find its ticket. Never shown to anyone else (ticketViewFor
   * does not copy it).
   */
  summary?: string;
}

/**
 * A ticket system of record: our built-in SQL store, an Open311 endpoint, or a council webhook.
 * Implementations translate their failures into AppErrors (ConnectorUnavailableError, TicketRejectedError).
 */
export interface Connector {
  readonly kind: ConnectorKind;
  /** Idempotent on `key`: a retried job gets the same TicketRef back, never a second ticket. */
  createTicket(draft: TicketDraft, key: string): Promise<TicketRef>;
  /** Status by citizen-facing reference; undefined when the reference is unknown. */
  getStatus(reference: string): Promise<TicketStatus | undefined>;
  /** Optional capability: tickets of one citizen, and those they filed on someone's behalf, newest first. */
  listForCitizen?(citizenId: string): Promise<TicketStatus[]>;
}
