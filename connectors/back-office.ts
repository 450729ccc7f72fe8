import type { Locale, ProcedureType } from '../catalog/schema';
import type { TicketContact, TicketLocation, TicketState } from './connector';

/**
 * A ticket as it is sent to a city's system of record (Open311 server, webhook receiver). The bot
 * files every ticket locally first (the citizen gets our reference at once); a queued job then hands
 * it to the back office, retrying until it is accepted.
 */
export interface ExternalTicket {
  /** Our citizen-facing reference (ALU-2026-000123): also how the back office can quote it. */
  reference: string;
  service: string;
  type: ProcedureType;
  /** The service's code in the back office (catalog `connector.code`, e.g. an Open311 service_code). */
  serviceCode: string;
  description: string;
  location?: TicketLocation;
  /** Photos, as signed URLs that expire (the back office downloads them). */
  mediaUrls: string[];
  contact?: TicketContact;
  /** Answers to the back office's own questions for the service (Open311 service attributes), by code. */
  attributes?: Record<string, string | string[]>;
  locale: Locale;
  /** ISO-8601. */
  createdAt: string;
}

/** Where a ticket stands in the back office. */
export interface ExternalStatus {
  externalId: string;
  status: TicketState;
  /** The back office's latest words about it (Open311 `status_notes`). */
  note?: string;
  /** Who handles it (Open311 `agency_responsible`). */
  agency?: string;
  /** ISO-8601. */
  updatedAt?: string;
}

/** What `submit` got back: the back office's id, or (Open311) a token to exchange for it later. */
export type Submitted = { externalId: string } | { token: string };

/**
 * A city's back office. Implementations throw ConnectorUnavailableError (retryable: network errors,
 * timeouts, 5xx) or TicketRejectedError (not retryable: 4xx, with the back office's reason).
 */
export interface BackOffice {
  readonly kind: 'open311' | 'webhook';
  /**
   * Files the ticket at most once per `key`: called again with the same key (a retried job, perhaps after
   * a timeout that hid a success) it finds the first request instead of creating a second. `attempt`
   * counts from 1; from the second on, an implementation that must look a request up before creating
   * it again (Open311 has no idempotency key) does so, and `lastAttemptAt` (when the previous attempt
   * ended) lets it use a list fetched after that instead of one per ticket.
   */
  submit(ticket: ExternalTicket, key: string, attempt?: number, lastAttemptAt?: Date): Promise<Submitted>;
  /** The back office's id for a token `submit` returned; undefined while it has none yet. */
  resolveToken?(token: string): Promise<string | undefined>;
  /** Current status by the back office's id; undefined when it does not know it. */
  status(externalId: string): Promise<ExternalStatus | undefined>;
}
