import type { Logger } from '../bot/logger';
import type { Connector } from '../connectors/connector';
import type { Activity, Attachment } from 'botbuilder';
import type { Catalog, Locale, ProcedureType } from '../catalog/schema';
import type { Classifier } from './classify/classifier';
import type { CodeCheck, CodeIssue } from '../bot/link-attempt-limits';
import type { KnowledgePort } from './knowledge/knowledge-answerer';
import type { Understanding } from './understand/understanding';
import type { RecordsAccess } from './my-records-dialog';
import type { AppointmentsPort } from './appointments-port';
import type { IdentityPort } from './verify-identity-dialog';
import type { RepresentationsPort } from './representations-port';

/**
 * A classifier as the engine uses it. `detectLocale` and `threshold` are optional capabilities of
 * the offline classifier: without them the conversation's language and the catalog's threshold are used.
 */
export type EngineClassifier = Classifier & {
  detectLocale?(text: string, fallback?: Locale): Locale;
  readonly threshold?: number;
};

/**
 * Proof of a WhatsApp number and cross-channel linking (see LinkPhoneDialog). Absent when the city has
 * no WhatsApp channel: then linking is not offered.
 */
export interface PhoneLinks {
  /**
   * Sends a one-time code to the number on WhatsApp (`message` words it), unless a limit says no: a code
   * sent earlier is still live, too many codes went to the number or from this conversation, or the
   * number is locked after too many wrong codes. `conversation` names the asking chat.
   */
  sendCode(phone: string, conversation: string, message: (code: string) => string, locale: Locale): Promise<CodeIssue>;
  /** Checks a typed code against the number's live code (a right one is used up). */
  checkCode(phone: string, code: string): Promise<CodeCheck>;
  /**
   * Attaches this channel identity (and everything its citizen had: tickets, conversations, other
   * identities) to the citizen of the WhatsApp number. Returns that citizen's id.
   */
  link(citizenId: string, channel: string, channelUserId: string, phone: string): Promise<string>;
}

export type { Locale };

/** What the bot had collected when it handed a conversation to people (shown to the agent). */
export interface HandoffSummary {
  type?: ProcedureType;
  service?: string;
  description?: string;
  address?: string;
  point?: { lat: number; lon: number };
  /** Photo URLs. */
  photos?: string[];
  contact?: { name?: string; phone?: string; email?: string };
  ticketReference?: string;
  /** A hazard (fallen cable, open manhole) or an emergency phrase: first in the queue. */
  hazard?: boolean;
}

/** Why a conversation went to people. */
export type HandoffReason = 'asked' | 'unsure' | 'escalated' | 'pulled';

/** People hold this conversation: it waits in a team queue, or an agent has it. The bot stays silent. */
export interface Hold {
  id: string;
  status: 'queued' | 'assigned';
  team: string;
}

export interface HandoffRequest {
  channel: string;
  conversationId: string;
  userId: string;
  citizenId: string;
  locale: Locale;
  reason: HandoffReason;
  team: string;
  summary: HandoffSummary;
  /** The citizen's last words, for the queue's preview. */
  preview?: string;
  /** Queue even when nobody of the team is online (the citizen chose to wait). */
  waitAnyway?: boolean;
}

/**
 * Queued (with the citizen's place and a wait estimate); the team is closed now; or it is open but
 * nobody of it is online (`unstaffed`: not queued, the citizen chooses a ticket or waiting).
 */
export type HandoffOutcome =
  | { kind: 'queued'; handoffId: string; position: number; waitMinutes: number }
  | { kind: 'closed'; opensAt?: Date }
  | { kind: 'unstaffed' };

/**
 * The handoff queues as the engine sees them (handoff implements it). Absent: the bot never
 * hands off and files inquiries itself.
 */
export interface HandoffPort {
  /** Whether people hold the conversation now. Read at the start of every turn. */
  holdOf(channel: string, conversationId: string): Promise<Hold | undefined>;
  /** Puts the conversation in its team's queue, unless the team is closed now. */
  request(req: HandoffRequest): Promise<HandoffOutcome>;
  /** The citizen gave up waiting ("cancelar" while queued). */
  leave(hold: Hold): Promise<void>;
  /** Shows the citizen's message to the agents, who answer it instead of the bot. */
  forward(hold: Hold, activity: Partial<Activity>, flags?: ForwardFlags): Promise<void>;
  /** Stores the answer to the satisfaction question asked after a closed handoff. */
  recordSatisfaction(handoffId: string, score: number, comment?: string): Promise<void>;
  /** Records the ticket filed for a handoff nobody could take (closed team, nobody claimed it in time). */
  ticketFiled(handoffId: string | undefined, reference: string): Promise<void>;
}

/** What the engine tells agents about a message it forwards. */
export interface ForwardFlags {
  /** The message reports an emergency: the citizen was given the emergency number; agents see it flagged. */
  emergency?: boolean;
}

/** What a citizen chose about messages we send unasked. Absent: the choice is not offered. */
export interface CitizenPreferences {
  setStatusUpdates(citizenId: string, on: boolean): Promise<void>;
}

/**
 * A question the city's back office asks for a service (an Open311 service attribute), asked during
 * intake after the bot's own fields. `text` is the back office's own wording.
 */
export interface ServiceQuestion {
  code: string;
  text: string;
  required: boolean;
  /** List questions: send `key`, show `name`. */
  choices?: Array<{ key: string; name: string }>;
  /** A list where several answers are allowed (the citizen picks one here). */
  multiple?: boolean;
  /** Free text that must be a number. */
  numeric?: boolean;
  /** Free text that must be a date and time (sent as a W3C datetime, see dialogs/datetime-answer). */
  datetime?: boolean;
  /** Not a question: a notice of the back office shown to the citizen (Open311 `variable: false`). */
  informational?: boolean;
}

/** What the dialogs need from the outside world. */
/** A citizen's copy of their own data (GDPR art. 15), as files to send on their channel. */
export interface CitizenDataPort {
  copyFor(citizenId: string, locale: Locale): Promise<Attachment[]>;
}

/** Requests to erase a citizen's data (GDPR art. 17), reviewed by an admin in the console. */
export interface ErasurePort {
  /** Stores a pending request (or finds the one already pending); the outcome is told on this conversation. */
  request(target: { citizenId: string; channel: string; conversationId: string; userId?: string; locale: Locale }): Promise<unknown>;
}

export interface EngineDeps {
  catalog: Catalog;
  classifier: EngineClassifier;
  connector: Connector;
  log: Logger;
  phones?: PhoneLinks;
  handoff?: HandoffPort;
  preferences?: CitizenPreferences;
  /** The back office's extra questions for a service (none when absent). */
  serviceQuestions?(service: string): Promise<ServiceQuestion[]>;
  /** The city's knowledge base: questions answered by the bot (absent: inquiries go to people). */
  knowledge?: KnowledgePort;
  /** Places, descriptions, street directory and geocoder for intake (absent: the offline rules alone). */
  understanding?: Understanding;
  /** Copies of citizens' data (absent: the bot says an agent can provide one). */
  citizenData?: CitizenDataPort;
  /** Erasure requests (absent: the bot says a person can take the request). */
  erasure?: ErasurePort;
  /** The citizen's own records in the city's systems (absent: the bot says where to look instead). */
  records?: RecordsAccess;
  /** Appointments at the city's offices (absent, or no `appointments` in the catalog: the bot says where to book). */
  appointments?: AppointmentsPort;
  /** Sign-in links with the city's identity provider (absent: the bot says it cannot verify identities yet). */
  identity?: IdentityPort;
  /** Acting for someone else (absent: not offered, and nothing asks for whom a ticket or appointment is). */
  representations?: RepresentationsPort;
}
