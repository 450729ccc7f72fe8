/**
 * What the agent console's browser app and its server say to each other: the JSON of the REST API
 * under `/console/api` and of the WebSocket at `/console/ws`. Shared by both sides (the UI bundle
 * imports types only), so a change here is a change of the contract.
 *
 * REST rules:
 * - Sessions are an httpOnly, SameSite=Strict cookie set by `POST /console/api/login`.
 * - Every request that is not a GET carries the header `x-csrf-token` with the `csrf` value from
 *   `login` or `GET /me`; without it: 403 `E_CSRF`.
 * - Errors are `{ error: { code, message } }` with a 4xx/5xx status (see ApiError); the codes and their
 *   statuses are docs/errors.md's. The whole API in OpenAPI 3.1: docs/openapi/console.yaml (checked against
 *   the real app by tests/docs/openapi-console.test.ts).
 *
 * Endpoints (all JSON):
 * - `POST /login` {email, password} → Me                    401 E_LOGIN, 429 E_RATE_LIMITED
 * - `POST /logout` → 204
 * - `GET  /me` → Me                                          401 E_UNAUTHENTICATED
 * - `GET  /queue` → { items: QueueItem[] }                   the waiting conversations of my teams
 * - `GET  /mine` → { items: HandoffView[] }                  the conversations I hold
 * - `GET  /live` → { items: LiveConversation[] }             conversations with the bot now (pullable)
 * - `GET  /handoffs/:id` → HandoffDetail                     404 E_NOT_FOUND when not my team's
 * - `POST /handoffs/:id/claim` → HandoffView                 409 E_ALREADY_CLAIMED | E_AT_CAPACITY
 * - `POST /handoffs/:id/messages` {text} → ConsoleMessage    409 E_NOT_HOLDER
 * - `POST /handoffs/:id/notes` {text} → HandoffEvent
 * - `POST /handoffs/:id/typing` → 204
 * - `POST /handoffs/:id/transfer` {team?, agentId?, note} → HandoffView
 * - `POST /handoffs/:id/release` → HandoffView               the bot answers again
 * - `POST /handoffs/:id/close` {resolution} → HandoffView    the citizen gets the satisfaction question
 * - `POST /handoffs/:id/ticket` {reference} | {create: {service, type, description}} → TicketView
 * - `POST /handoffs/:id/correction` {service, type} → CorrectionView   201; the classifier learns the citizen's
 *   description as that service and type; 409 E_NO_TEXT when the citizen described nothing
 * - `POST /tickets/:reference/correction` {service, type} → CorrectionView   201; agents of the service's team,
 *   supervisors, admins (404 otherwise); our own (built-in) ticket takes the new service and type
 * - `POST /conversations/:key/pull` → HandoffView            take a conversation from the bot
 * - `GET  /agents?team=` → { items: AgentPresence[] }        for transfers
 * - `GET  /supervisor` → SupervisorStats                     supervisors and admins only
 * - `GET  /admin/agents`, `POST /admin/agents` {email, name, role, password, teams, maxConcurrent}
 * - `PATCH /admin/agents/:id` {name?, role?, password?, teams?, maxConcurrent?, disabled?}   admins only
 */

import type { AgentRole, HandoffReason, HandoffStatus } from '../bot/sql/schema-types';
import type { HandoffSummary, Locale } from '../dialogs/engine-deps';
import type { Availability, ChosenAvailability } from '../handoff/presence';

export type { AgentRole, Availability, ChosenAvailability, HandoffReason, HandoffStatus, HandoffSummary, Locale };

export interface ApiError {
  error: { code: string; message: string };
}

export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  teams: string[];
  maxConcurrent: number;
  disabled: boolean;
}

export interface TeamView {
  code: string;
  /** In the console's language (Spanish names: agents are civil servants of the city). */
  name: string;
  /** Longest wait for a person before the console marks it "Fuera de objetivo" (catalog team setting). */
  firstResponseTargetSeconds: number;
}

export interface CannedResponse {
  code: string;
  title: string;
  /** One text per language; `{agent}` is replaced by the agent's name. */
  texts: Record<Locale, string>;
}

export interface Me {
  agent: AgentView;
  /** Send it back in `x-csrf-token` on every non-GET request. */
  csrf: string;
  /** Every team of the city (for transfers); `agent.teams` says which are mine. */
  teams: TeamView[];
  canned: CannedResponse[];
  /** Services of the catalog, for creating a ticket from the console. */
  services: Array<{ code: string; name: string }>;
  /** The city gives appointments at its offices: the console has their desk (`GET /appointments`). */
  appointments: boolean;
}

export interface HandoffView {
  id: string;
  /** Our conversation key `<channel>:<channel conversation id>`. */
  conversationKey: string;
  channel: string;
  citizenId: string;
  citizenName?: string;
  team: string;
  priority: number;
  reason: HandoffReason;
  status: HandoffStatus;
  locale: Locale;
  summary: HandoffSummary;
  agentId?: string;
  agentName?: string;
  ticketReference?: string;
  createdAt: string;
  queuedAt: string;
  claimedAt?: string;
}

/** A waiting conversation in a team queue, in queue order. */
export interface QueueItem extends HandoffView {
  /** 1 is next. */
  position: number;
  waitingSeconds: number;
  /** The citizen's last message, cut to 140 characters (plain text: render it as text, never as HTML). */
  preview?: string;
}

export interface ConsoleMessage {
  handoffId?: string;
  conversationKey: string;
  /** citizen = in; bot or agent = out. */
  from: 'citizen' | 'bot' | 'agent';
  agentId?: string;
  agentName?: string;
  text?: string;
  /** Image URLs the citizen sent. */
  images?: string[];
  location?: { lat: number; lon: number };
  /** The citizen's voice note (a playable URL); `transcribed`: `text` is its speech-to-text transcript. */
  voice?: { url: string; transcribed: boolean };
  /** The bot read this citizen message as an emergency and gave the citizen the emergency number. */
  emergency?: boolean;
  at: string;
}

export interface HandoffEvent {
  kind: string;
  agentId?: string;
  agentName?: string;
  team?: string;
  note?: string;
  at: string;
}

/** An agent's correction of the service and type, as stored (a labelled example for the classifier). */
export interface CorrectionView {
  id: number;
  service: string;
  type: string;
  agentId: string;
  createdAt: string;
  /** Ticket corrections only. */
  reference?: string;
  /** Ticket corrections only: whether our ticket record took the new service and type. */
  ticketUpdated?: boolean;
}

export interface TicketView {
  reference: string;
  service: string;
  type: string;
  status: string;
  /** The back office's latest note, if any. */
  note?: string;
  createdAt: string;
  updatedAt: string;
  /** Filed by a representative on the citizen's behalf (issue 16 part 4): both people, by name where known. */
  onBehalf?: { representative?: string; represented?: string; /** The citizen this view is about filed it. */ byThisCitizen: boolean };
}

/** Everything the city knows of this citizen, on every channel. */
export interface Citizen360 {
  citizenId: string;
  name?: string;
  identities: Array<{ channel: string; verified: boolean }>;
  tickets: TicketView[];
  conversations: Array<{ key: string; channel: string; startedAt: string; lastActivityAt: string }>;
  handoffs: Array<{ id: string; team: string; status: HandoffStatus; createdAt: string; resolution?: string; satisfaction?: number }>;
}

export interface HandoffDetail {
  handoff: HandoffView;
  transcript: ConsoleMessage[];
  /** Internal notes and what happened (claimed, transferred…), oldest first. Never shown to the citizen. */
  events: HandoffEvent[];
  citizen: Citizen360;
}

export interface LiveConversation {
  conversationKey: string;
  channel: string;
  citizenId: string;
  lastActivityAt: string;
  preview?: string;
  /** The bot read one of the citizen's recent messages as an emergency: listed first, flagged. */
  emergency?: boolean;
}

export interface AgentPresence {
  id: string;
  name: string;
  teams: string[];
  /** At a console and not away: counted for routing and the bot's "nobody online". */
  online: boolean;
  availability: Availability;
  /** Conversations held now. */
  load: number;
  maxConcurrent: number;
}

export interface SupervisorStats {
  teams: Array<{
    code: string;
    name: string;
    waiting: number;
    /** Of the conversations waiting now. */
    oldestWaitSeconds: number;
    /** Claimed in the last 24 h: mean time from queued to claimed. */
    meanWaitSeconds: number;
    open: boolean;
  }>;
  agents: AgentPresence[];
  /** Handoffs in the last 30 days by reason. */
  byReason: Record<HandoffReason, number>;
  satisfaction: Array<{ team: string; answers: number; average: number }>;
}

/** Server → browser over `/console/ws`. */
export type ServerEvent =
  /** The whole waiting list of one of my teams, whenever it changes (and once on connect). */
  | { type: 'queue'; team: string; items: QueueItem[] }
  /** A new message in a conversation I hold or have open. */
  | { type: 'message'; message: ConsoleMessage }
  /** A handoff I can see changed (claimed, transferred to me, released, closed, expired). */
  | { type: 'handoff'; handoff: HandoffView }
  /** An agent is typing in a conversation I have open. */
  | { type: 'typing'; handoffId: string; agentId: string }
  /** The bot's live conversations changed (a line reached the transcript): re-read `GET /live`. To who may see them. */
  | { type: 'live' }
  /** My availability, on connect and whenever a console of mine changes it. */
  | { type: 'availability'; availability: ChosenAvailability }
  | { type: 'pong' };

/**
 * Every kind of server event, at run time: the socket access-control matrix needs a row for each, and
 * the Record type makes a new kind of ServerEvent fail to compile until it is listed here.
 */
const SERVER_EVENT_KINDS: Record<ServerEvent['type'], true> = { queue: true, message: true, handoff: true, typing: true, live: true, availability: true, pong: true };
export const SERVER_EVENT_TYPES = Object.keys(SERVER_EVENT_KINDS) as Array<ServerEvent['type']>;

/** Browser → server over `/console/ws`. Anything else closes the socket with code 1008. */
export type ClientEvent =
  /** Receive the messages of a conversation being read (checked against my teams). */
  | { type: 'open'; handoffId: string }
  | { type: 'close'; handoffId: string }
  /** Available or away (away: not counted online for routing nor the bot's "nobody online"). */
  | { type: 'availability'; availability: ChosenAvailability }
  | { type: 'ping' };
