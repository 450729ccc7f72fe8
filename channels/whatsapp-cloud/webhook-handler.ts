import type { Logger } from 'pino';
import type { Ingest } from '../../bot/channel';
import { ChannelUnavailableError } from '../../bot/errors';
import type { InboundMailbox } from './inbound-mailbox';
import { isDeliveryState, type DeliveryRecord, type DeliveryStatusStore } from './delivery-status-store';
import { isTooOld } from './message-age';
import type { Clock, ServiceWindow } from './service-window';
import { changesFor, type ChangeValue, type DeliveryStatus, type InboundMessage, type WebhookPayload } from './webhook-payload';

export interface WebhookHandlerOptions {
  phoneNumberId: string;
  window: ServiceWindow;
  mailbox: InboundMailbox;
  statuses: DeliveryStatusStore;
  /** The ingest function while the channel is started. */
  ingest: () => Ingest | undefined;
  log: Logger;
  /** Judges messages' age (see isTooOld). @defaultValue Date.now */
  clock?: Clock;
}

/**
 * What one verified webhook POST does. When `handle` resolves, everything it carried is durable —
 * messages in the channel's inbound mailbox (see InboundMailbox), statuses in SQL — so the router may
 * acknowledge. Meta delivers a webhook again until it gets a 200, so every step is idempotent: the
 * mailbox drops a wamid it has seen, statuses are upserts that only move forward.
 */
export class WebhookHandler {
  constructor(private readonly opts: WebhookHandlerOptions) {}

  async handle(payload: WebhookPayload): Promise<void> {
    if (!this.opts.ingest()) throw new ChannelUnavailableError('the whatsapp-cloud channel is not started');
    for (const value of changesFor(payload, this.opts.phoneNumberId)) {
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name] as const));
      for (const message of value.messages ?? []) await this.accept(message, names.get(message.from));
      await this.recordStatuses(value);
    }
  }

  /** Puts one message in the mailbox. */
  private async accept(message: InboundMessage, displayName: string | undefined): Promise<void> {
    // WhatsApp's own notices (the citizen changed number…) are not something the citizen said.
    if (message.type === 'system') return;
    // Acknowledged all the same (a 200), or Meta would keep delivering it.
    if (isTooOld(message.timestamp, (this.opts.clock ?? Date.now)())) {
      this.opts.log.info({ type: message.type, sentAt: message.timestamp }, 'whatsapp message older than the dedupe window: ignored');
      return;
    }
    const sentAt = Number(message.timestamp) * 1_000;
    await this.opts.window.touch(message.from, message.id, Number.isFinite(sentAt) && sentAt > 0 ? sentAt : Date.now());
    const fresh = await this.opts.mailbox.push(message.from, { message, ...(displayName !== undefined ? { displayName } : {}) });
    this.opts.log.debug({ type: message.type, fresh }, 'whatsapp message accepted');
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
