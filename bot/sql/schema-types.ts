import type { Generated } from 'kysely';
import type { TicketState } from '../../connectors/connector';
import type { Locale, ProcedureType } from '../../catalog/schema';
import type { HandoffReason } from '../../dialogs/engine-deps';

/**
 * Row types of every SQL table, shared by SQLite and PostgreSQL.
 *
 * Portability choices, so the same queries run on both dialects and return the same JS values:
 * - timestamps are ISO-8601 UTC text (`Date#toISOString`, fixed width), so they sort as text;
 * - JSON is stored as text and parsed by the reader;
 * - booleans are integers 0/1;
 * - surrogate keys are auto-incremented integers (they also break ties when two rows share a timestamp).
 */
export interface DatabaseSchema {
  citizens: CitizensTable;
  channel_identities: ChannelIdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  ticket_attachments: TicketAttachmentsTable;
  reference_counters: ReferenceCountersTable;
  whatsapp_cloud_messages: WhatsappCloudMessagesTable;
  agents: AgentsTable;
  agent_teams: AgentTeamsTable;
  handoffs: HandoffsTable;
  handoff_events: HandoffEventsTable;
  satisfaction: SatisfactionTable;
  citizen_preferences: CitizenPreferencesTable;
  classifier_corrections: ClassifierCorrectionsTable;
  canned_responses: CannedResponsesTable;
}

/** One person, whatever channels they use. */
export interface CitizensTable {
  id: string;
  display_name: string | null;
  locale: Locale | null;
  created_at: string;
}

/** A platform account (Telegram user id, WhatsApp phone, web chat user) that belongs to a citizen. */
export interface ChannelIdentitiesTable {
  channel: string;
  channel_user_id: string;
  citizen_id: string;
  /** 1 once the citizen proved they own this identity (cross-channel linking). */
  verified: number;
  created_at: string;
}

export interface ConversationsTable {
  /** Our conversation key: `<channel>:<channel conversation id>`. */
  id: string;
  channel: string;
  channel_conversation_id: string;
  citizen_id: string;
  started_at: string;
  last_activity_at: string;
}

export interface MessagesTable {
  /** bigint on PostgreSQL (pg returns it as a string), integer on SQLite; never read by the app. */
  id: Generated<number | string>;
  conversation_id: string;
  direction: 'in' | 'out';
  activity_id: string;
  text: string | null;
  /** JSON array. */
  attachments: string | null;
  /** JSON array. */
  entities: string | null;
  created_at: string;
  /** Outbound only: the agent who wrote it; null for the bot. */
  author: string | null;
}

export interface TicketsTable {
  id: Generated<number>;
  /** Citizen-facing reference, upper case: ALU-2026-000123. */
  reference: string;
  service: string;
  type: ProcedureType;
  status: TicketState;
  description: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  citizen_id: string;
  channel: string;
  conversation_id: string;
  locale: Locale;
  /** JSON TicketContact. */
  contact: string | null;
  connector_kind: string;
  external_id: string | null;
  idempotency_key: string;
  created_at: string;
  updated_at: string;
  /** External back offices only: pending until the back office accepts it (or rejects it for good). */
  delivery: 'pending' | 'accepted' | 'rejected' | null;
  /** Why the back office rejected it (shown to agents for review). */
  delivery_error: string | null;
  /** Open311 `token` answer, until it is exchanged for the request id. */
  external_token: string | null;
  delivered_at: string | null;
  /** When the latest delivery attempt began. */
  last_attempt_at: string | null;
  /** JSON: answers to the back office's questions, by attribute code. */
  attributes: string | null;
  /** Who filed it on the citizen's behalf (an approved representative); null when the citizen did. */
  representative_id: string | null;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  status: TicketState;
  note: string | null;
  at: string;
}

export interface TicketAttachmentsTable {
  id: Generated<number>;
  ticket_id: number;
  content_type: string;
  url: string;
  name: string | null;
}

/** Last reference number handed out per service prefix and year. */
export interface ReferenceCountersTable {
  prefix: string;
  year: number;
  last: number;
}

/** Where each message sent through the WhatsApp Cloud API stands, from the Graph API answer and status webhooks. */
export interface WhatsappCloudMessagesTable {
  /** Meta's message id (`wamid.…`). */
  wamid: string;
  /** The citizen's wa_id: the channel conversation id of `whatsapp-cloud`. */
  conversation_id: string;
  /** The bot activity this message rendered; null while only a status webhook has been seen. */
  activity_id: string | null;
  /** `accepted` (Graph answered), then `sent`, `delivered`, `read`; or `failed`. Never moves backwards. */
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /** JSON `{ code, title, details }` of a failure. */
  error: string | null;
  created_at: string;
  updated_at: string;
}

export type AgentRole = 'agent' | 'supervisor' | 'admin';

/** A person who answers citizens in the agent console. */
export interface AgentsTable {
  id: string;
  /** Lower case; the login name. */
  email: string;
  display_name: string;
  role: AgentRole;
  /** scrypt, self-describing: `scrypt$N$r$p$salt$hash` (base64url). */
  password_hash: string;
  /** Conversations the agent may hold at once. */
  max_concurrent: number;
  /** 1: may not log in. */
  disabled: number;
  created_at: string;
}

/** Team membership: an agent sees the queues and conversations of their teams only. */
export interface AgentTeamsTable {
  agent_id: string;
  /** Team code from the catalog. */
  team: string;
}

export type HandoffStatus = 'queued' | 'assigned' | 'closed' | 'released' | 'expired' | 'cancelled';
export type { HandoffReason };

export interface HandoffsTable {
  id: string;
  /** Our conversation key `<channel>:<channel conversation id>`. */
  conversation_id: string;
  channel: string;
  channel_conversation_id: string;
  /** The citizen's id on the channel (Activity `from.id`). */
  user_id: string;
  citizen_id: string;
  team: string;
  /** Lower first (BullMQ's order): hazards are 1. */
  priority: number;
  reason: HandoffReason;
  /** JSON HandoffSummary: what the bot had collected. */
  summary: string;
  locale: Locale;
  status: HandoffStatus;
  agent_id: string | null;
  ticket_reference: string | null;
  resolution: string | null;
  created_at: string;
  /** When it last entered a queue (a transfer or a return re-queues it). */
  queued_at: string;
  claimed_at: string | null;
  ended_at: string | null;
}

export interface HandoffEventsTable {
  id: Generated<number>;
  handoff_id: string;
  /** queued | claimed | transferred | released | closed | expired | cancelled | requeued | note | ticket */
  kind: string;
  agent_id: string | null;
  team: string | null;
  note: string | null;
  at: string;
}

/** The citizen's answer to the satisfaction question after a closed handoff. */
export interface SatisfactionTable {
  handoff_id: string;
  team: string;
  agent_id: string | null;
  score: number;
  comment: string | null;
  at: string;
}

/** A citizen's choices about messages we send unasked. */
export interface CitizenPreferencesTable {
  citizen_id: string;
  /** 0: the citizen opted out of ticket status updates. */
  status_updates: number;
  updated_at: string;
}

/** An agent's correction of a handoff's or a ticket's service and type: a labelled example for the classifier. */
export interface ClassifierCorrectionsTable {
  id: Generated<number>;
  /** The citizen's own words (the handoff summary's description, or the ticket's description). */
  text: string;
  service: string;
  type: ProcedureType;
  locale: Locale;
  /** What was corrected: a handoff, or a ticket (by its reference). At least one is set. */
  handoff_id: string | null;
  ticket_reference: string | null;
  agent_id: string;
  created_at: string;
}


/** A supervisor's edit of one of their team's canned responses in one language (the catalog's are the defaults). */
export interface CannedResponsesTable {
  team: string;
  locale: Locale;
  /** The catalog's code it replaces, or a new one. */
  code: string;
  title: string;
  text: string;
  /** 1: withdrawn for this team and language (a catalog response the team does not use). */
  hidden: number;
  updated_by: string;
  updated_at: string;
}
