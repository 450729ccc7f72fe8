import type { Activity } from 'botbuilder';
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

export interface ChannelCapabilities {
  /** Most suggested actions this channel can show as buttons; 0 means numbered text. */
  maxButtons: number;
  markdown: boolean;
  images: boolean;
  location: boolean;
  maxTextLength: number;
  /**
   * Sending is a durable append in our own Redis (no platform call, no rate limit), so the turn worker
   * may deliver a turn's replies itself instead of through the outbound queue; a failed attempt falls
   * back to the queue. Web chat's Direct Line stream is such a channel.
   * @defaultValue false
   */
  inlineDelivery?: boolean;
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
  /** Delivers in order. Throws an AppError; `retryable: false` stops the outbound queue's retries. */
  send(ref: ConversationRef, activities: Partial<Activity>[]): Promise<void>;
  /** Stops receiving, drains in-flight sends, closes connections. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Whether the channel can work right now, for `/readyz`: e.g. a WhatsApp session that was logged out
   * needs a person to pair it again. Absent means always ready.
   */
  health?(): ChannelHealth;
}

export interface ChannelHealth {
  ok: boolean;
  /** Why not, in words an operator can act on (no secrets, no phone numbers). */
  detail?: string;
}
