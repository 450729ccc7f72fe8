import type { Logger } from 'pino';
import type { Ingest } from '../../bot/channel';
import { ChannelUnavailableError } from '../../bot/errors';
import type { ActivityBuilder } from './activity-builder';
import { isDeliveryState, type DeliveryRecord, type DeliveryStatusStore } from './delivery-status-store';
import type { HeldMessages } from './held-messages';
import { isTooOld } from './message-age';
import type { Clock, ServiceWindow } from './service-window';
import { mediaOf } from './to-activity';
import { changesFor, type ChangeValue, type DeliveryStatus, type InboundMessage, type WebhookPayload } from './webhook-payload';

export interface WebhookHandlerOptions {
  phoneNumberId: string;
  window: ServiceWindow;
  held: HeldMessages;
  statuses: DeliveryStatusStore;
  activities: ActivityBuilder;
  /** The ingest function while the channel is started. */
  ingest: () => Ingest | undefined;
  log: Logger;
  /** Judges messages' age (see isTooOld). @defaultValue Date.now */
  clock?: Clock;
}

/**
 * What one verified webhook POST does. When `handle` resolves, everything it carried is durable —
 * text and locations ingested, media messages held in Redis, statuses in SQL — so the router may
 * acknowledge; it answers the conversations whose held messages must now be drained (after the ack).
 * Meta delivers a webhook again until it gets a 200, so every step is idempotent: ingest drops a
 * wamid it has seen, holding remembers held wamids, statuses are upserts that only move forward.
 */
export class WebhookHandler {
  constructor(private readonly opts: WebhookHandlerOptions) {}

  async handle(payload: WebhookPayload): Promise<string[]> {
    const ingest = this.opts.ingest();
    if (!ingest) throw new ChannelUnavailableError('the whatsapp-cloud channel is not started');
    const toDrain = new Set<string>();
    for (const value of changesFor(payload, this.opts.phoneNumberId)) {
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name] as const));
      for (const message of value.messages ?? []) {
        if (await this.accept(message, names.get(message.from), ingest)) toDrain.add(message.from);
      }
      await this.recordStatuses(value);
    }
    return [...toDrain];
  }

  /** Ingests one message, or holds it for its media; true when it was held. */
  private async accept(message: InboundMessage, displayName: string | undefined, ingest: Ingest): Promise<boolean> {
    // WhatsApp's own notices (the citizen changed number…) are not something the citizen said.
    if (message.type === 'system') return false;
    // Acknowledged all the same (a 200), or Meta would keep delivering it.
    if (isTooOld(message.timestamp, (this.opts.clock ?? Date.now)())) {
      this.opts.log.info({ type: message.type, sentAt: message.timestamp }, 'whatsapp message older than the dedupe window: ignored');
      return false;
    }
    const sentAt = Number(message.timestamp) * 1_000;
    await this.opts.window.touch(message.from, message.id, Number.isFinite(sentAt) && sentAt > 0 ? sentAt : Date.now());
    const outcome = await this.opts.held.hold(message.from, { message, displayName, attempts: 0 }, mediaOf(message) !== undefined);
    if (outcome === 'direct') await ingest(await this.opts.activities.build(message, displayName));
    this.opts.log.debug({ type: message.type, outcome }, 'whatsapp message accepted');
    return outcome === 'held';
  }

  private async recordStatuses(value: ChangeValue): Promise<void> {
    for (const s of value.statuses ?? []) {
      if (!isDeliveryState(s.status)) continue;
      const error = errorOf(s);
      if (s.status === 'failed') this.opts.log.warn({ code: error?.code, title: error?.title }, 'whatsapp message failed');
      await this.opts.statuses.recordStatus(s.id, s.recipient_id, s.status, error);
    }
  }
}

function errorOf(s: DeliveryStatus): DeliveryRecord['error'] {
  const e = s.errors?.[0];
  if (!e) return undefined;
  return { code: e.code, ...(e.title ?? e.message ? { title: e.title ?? e.message } : {}), ...(e.error_data?.details ? { details: e.error_data.details } : {}) };
}
