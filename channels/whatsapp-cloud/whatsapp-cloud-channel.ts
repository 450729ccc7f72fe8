import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelAdapter } from '../../bot/channel';
import type { Config } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import type { MediaStore } from '../../bot/media-store';
import type { Db } from '../../bot/sql/database';
import { NumberedChoices } from '../render';
import { ActivityBuilder } from './activity-builder';
import { DeliveryStatusStore } from './delivery-status-store';
import { fetchMedia } from './fetch-media';
import { GraphClient } from './graph-client';
import { InboundMailbox } from './inbound-mailbox';
import { ServiceWindow, type Clock } from './service-window';
import { WebhookHandler } from './webhook-handler';
import { createWebhookRouter } from './webhook-router';
import { WhatsappCloudAdapter } from './whatsapp-cloud-adapter';

export interface WhatsappCloudChannelOptions {
  /** Reads the `WHATSAPP_CLOUD_*` variables and `REDIS_PREFIX`. */
  config: Config;
  /** Shared command connection; the channel never closes it. */
  redis: Redis;
  /** Where delivery statuses are kept (table `whatsapp_cloud_messages`). */
  db: Db;
  /** Where photos and voice notes citizens send are kept (shared with the other channels). */
  media: MediaStore;
  /** The label of the button that opens a list of options, in the given reply locale (e.g. "Ver opciones"). */
  listButton: (locale: string | undefined) => string;
  log: Logger;
  /**
   * Whether this process serves the webhook (the `web` and `all` roles). Only such a process downloads
   * the media of inbound messages: the files must land in the media folder the web processes serve.
   * @defaultValue true
   */
  receives?: boolean;
  /** Decides the 24-hour window and which messages are too old to take. @defaultValue Date.now */
  clock?: Clock;
}

/** The WhatsApp Cloud channel of one process. */
export interface WhatsappCloudChannel {
  adapter: ChannelAdapter;
  /** `GET` and `POST /whatsapp/webhook`; mount at `/` (it parses its own raw body). */
  router: Router;
  /** Delivery statuses of the messages sent (agents read them; tests check them). */
  statuses: DeliveryStatusStore;
}

/**
 * Builds the WhatsApp Cloud API channel (Meta's official API). Throws ConfigError when
 * `WHATSAPP_CLOUD_TOKEN` and `WHATSAPP_CLOUD_PHONE_ID` are not set: check `whatsappCloudEnabled` first.
 *
 * @example
 * ```ts
 * if (whatsappCloudEnabled(config)) {
 *   const wa = createWhatsappCloudChannel({ config, redis, db, media, listButton, log });
 *   channels.add(wa.adapter);
 *   app.use(wa.router);
 * }
 * ```
 */
export function createWhatsappCloudChannel(opts: WhatsappCloudChannelOptions): WhatsappCloudChannel {
  const { config, redis, log } = opts;
  const token = config.WHATSAPP_CLOUD_TOKEN;
  const phoneNumberId = config.WHATSAPP_CLOUD_PHONE_ID;
  const appSecret = config.WHATSAPP_CLOUD_APP_SECRET;
  const verifyToken = config.WHATSAPP_CLOUD_VERIFY_TOKEN;
  if (!token || !phoneNumberId || !appSecret || !verifyToken) {
    throw new ConfigError('the whatsapp-cloud channel needs WHATSAPP_CLOUD_TOKEN, _PHONE_ID, _APP_SECRET and _VERIFY_TOKEN');
  }
  const prefix = config.REDIS_PREFIX;
  const graph = new GraphClient({ apiBase: config.WHATSAPP_CLOUD_API_BASE, token, phoneNumberId });
  const window = new ServiceWindow(redis, prefix, opts.clock);
  const statuses = new DeliveryStatusStore(opts.db);
  const numbered = new NumberedChoices(redis, { prefix });
  const activities = new ActivityBuilder(numbered, phoneNumberId);
  // The adapter and the inbound side meet only through the ingest function the adapter holds once started.
  let adapter: WhatsappCloudAdapter | undefined;
  const ingest = () => adapter?.currentIngest();
  const mailbox = new InboundMailbox({
    redis, prefix, activities, ingest, log,
    fetchMedia: (ref, filename) => fetchMedia(graph, opts.media, ref, filename),
  });
  adapter = new WhatsappCloudAdapter({
    graph, window, statuses, numbered, mailbox, log, listButton: opts.listButton, receives: opts.receives ?? true, media: opts.media,
    ...(config.WHATSAPP_CLOUD_TEMPLATE ? { template: { name: config.WHATSAPP_CLOUD_TEMPLATE, language: config.WHATSAPP_CLOUD_TEMPLATE_LANG } } : {}),
  });
  const handler = new WebhookHandler({ phoneNumberId, window, mailbox, statuses, ingest, log, ...(opts.clock ? { clock: opts.clock } : {}) });
  const router = createWebhookRouter({ appSecret, verifyToken, handler, log });
  return { adapter, router, statuses };
}

/** Whether the environment turns the WhatsApp Cloud channel on. */
export const whatsappCloudEnabled = (config: Config): boolean => Boolean(config.WHATSAPP_CLOUD_TOKEN && config.WHATSAPP_CLOUD_PHONE_ID);
