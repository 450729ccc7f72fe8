import type { Activity } from 'botbuilder';
import type { RateLimit } from '../queues/rate-limiter';
import type { ChannelId } from './activity';

/** What a channel does with an inbound activity: put it on the inbound queue (see queues/ingest). */
export type Ingest = (activity: Partial<Activity>) => Promise<IngestResult>;
export interface IngestResult {
  /** The activity id the inbound queue stored (the platform's message id). */
  id: string;
  /** True when this platform message id was seen before and was dropped. */
  duplicate: boolean;
}

/** Where to send later, without a live turn context (botbuilder ConversationReference, trimmed). */
export interface ConversationRef {
  channel: ChannelId;
  conversationId: string;
  userId?: string;
  locale?: string;
}

/**
 * The text formatting a channel understands. Dialogs write CommonMark (`**bold**`, `_italic_`,
 * `[link](url)`); channels/render converts it:
 * - `markdown`: CommonMark as is (web chat renders it);
 * - `telegram-html`: Telegram's HTML parse mode (`<b>`, `<i>`, `<a href>`), everything else HTML-escaped;
 * - `whatsapp`: `*bold*`, `_italic_`, links as "text (url)";
 * - `plain`: no markers at all.
 */
export type ChannelMarkup = 'markdown' | 'telegram-html' | 'whatsapp' | 'plain';

/**
 * What a channel can show, so that channels/render turns one Activity into the right platform
 * messages. A dialog only says "choose one of these" (suggestedActions); these numbers decide whether
 * that becomes buttons, a list or numbered text.
 *
 * @example Telegram
 * ```ts
 * { markup: 'telegram-html', choices: 'buttons', maxButtons: 12, maxListRows: 0, maxButtonTitle: 60,
 *   maxTextLength: 4096, typing: true, images: true, location: true }
 * ```
 */
export interface ChannelCapabilities {
  /** Most options shown as buttons (`choices: 'buttons'` only); more become a list or numbered text. 0 means never buttons. */
  maxButtons: number;
  /** Most rows of a list picker (WhatsApp Cloud: 10); 0 when the channel has no list. Used when options exceed `maxButtons`. */
  maxListRows: number;
  /** `numbered`: the channel never shows buttons (options are appended as "1. Sí"), whatever `maxButtons` says. */
  choices: 'buttons' | 'numbered';
  /** Longest button title; longer titles are cut with "…" (the option's value stays whole). WhatsApp: 20. */
  maxButtonTitle: number;
  /** Longest list row title (WhatsApp Cloud: 24). @defaultValue `maxButtonTitle` */
  maxListRowTitle?: number;
  /**
   * Longest list row description (WhatsApp Cloud: 72). With one, options whose titles buttons would cut
   * go in a list whose rows show the whole title underneath (two offices named alike stay apart).
   * Absent: no descriptions.
   */
  maxListRowDescription?: number;
  /** Text formatting the channel understands. */
  markup: ChannelMarkup;
  /** Longest text message, in characters of the rendered text (markup included); longer text is split. */
  maxTextLength: number;
  /** Whether a `typing` activity can be shown (Telegram `sendChatAction`); otherwise it is dropped. */
  typing: boolean;
  images: boolean;
  /**
   * Whether other files (a PDF, the citizen's data export) go as files of the platform (Telegram document,
   * WhatsApp document); otherwise they become a link in the text. @defaultValue false
   */
  files?: boolean;
  location: boolean;
  /**
   * Whether a card's link (an `openUrl` button: a video call's room) can be a button of the platform that
   * opens it (Telegram URL button, WhatsApp Cloud call-to-action); otherwise it is written in the text. @defaultValue false
   */
  linkButtons?: boolean;
}

/**
 * One messaging platform. Inbound: calls `ingest` once per citizen message, never runs a turn itself.
 * Outbound: `send` delivers the bot's activities for one conversation, in order.
 */
export interface ChannelAdapter {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /** Begins receiving. The adapter owns its socket, webhook or polling loop. */
  start(ingest: Ingest): Promise<void>;
  /**
   * Delivers in order. Throws an AppError; `retryable: false` stops the outbound queue's retries.
   * With `progress` (the outbound queue's), a batch retried after a failure half-way skips the rendered
   * messages an earlier attempt delivered, so the citizen never gets the first half twice.
   */
  send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void>;
  /**
   * Only for channels whose send is a durable append in our own Redis (web chat's Direct Line stream: no
   * platform call, no rate limit): the turn worker delivers a turn's replies itself, saving a second
   * queue job per message. Appends only while the Redis list `idleWhenEmpty` (the conversation's
   * outbound mailbox) is empty, checked in the same atomic step, so a reply never overtakes an earlier
   * one still waiting in the outbound queue; returns false when it did not append. A batch whose first
   * activity id was appended before is not appended again (and counts as delivered).
   */
  sendInline?(ref: ConversationRef, activities: Partial<Activity>[], idleWhenEmpty: string): Promise<boolean>;
  /** Stops receiving, drains in-flight sends, closes connections. Safe to call twice. */
  stop(): Promise<void>;
  /** The platform's sending limits; the outbound queue waits for them (queues/rate-limiter). */
  readonly rateLimit?: RateLimit;
  /**
   * `send` works only in the process that receives (Baileys holds the number's one socket): that
   * process works this channel's outbound queue whatever its role, and no other process does.
   */
  readonly sendsFromReceiverOnly?: boolean;
  /**
   * Whether the channel can work right now, for `/readyz`: e.g. a WhatsApp session that was logged out
   * needs a person to pair it again. Absent means always ready.
   */
  health?(): ChannelHealth;
}

/**
 * How far earlier attempts at one outbound batch got, counted in rendered platform messages across the
 * whole batch. Kept in the outbound item's queue journal, so it is read with the item and deleted with it.
 */
export interface SendProgress {
  /** Messages of this batch delivered by earlier attempts: skip them. */
  readonly delivered: number;
  /** Records that the batch's first `count` messages are delivered (call after each one). */
  mark(count: number): Promise<void>;
}

export interface ChannelHealth {
  ok: boolean;
  /** Why not, in words an operator can act on (no secrets, no phone numbers). */
  detail?: string;
}
