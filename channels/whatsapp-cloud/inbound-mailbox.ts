import type { Attachment } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Ingest } from '../../bot/channel';
import { logErrorEvents } from '../../bot/error-events';
import { AppError, ChannelUnavailableError } from '../../bot/errors';
import { maskedId } from '../../bot/masked-id';
import { OrderedQueue, type Drained } from '../../queues/ordered-queue';
import type { ActivityBuilder } from './activity-builder';
import { mediaOf, type MediaRef } from './to-activity';
import type { InboundMessage } from './webhook-payload';

/** A citizen message waiting in Redis to be turned into an activity (its photo or voice note downloaded). */
export interface WaitingMessage {
  message: InboundMessage;
  /** The WhatsApp profile name the webhook carried. */
  displayName?: string;
}

export interface InboundMailboxOptions {
  /** Shared command connection; the mailbox duplicates it for its worker and never closes it. */
  redis: Redis;
  prefix: string;
  /** Downloads and stores one file (see fetchMedia). */
  fetchMedia: (ref: MediaRef, filename: string) => Promise<Attachment>;
  /** The ingest function while the channel is started. */
  ingest: () => Ingest | undefined;
  activities: ActivityBuilder;
  log: Logger;
  /** Download attempts (about 0.5 s, 1 s, 2 s… apart) before the message is ingested without its file. @defaultValue 5 */
  maxAttempts?: number;
  /** Lock lifetime per conversation (see OrderedQueue). @defaultValue 60000: a 16 MB download must fit */
  lockMs?: number;
}

/**
 * WhatsApp Cloud's inbound messages on the ordered queue (queues/ordered-queue), in front of `ingest`.
 *
 * The webhook must answer Meta at once, but a photo has to be downloaded (two Graph calls, up to 16 MB)
 * before its message can be ingested; acknowledging first and downloading in memory would lose the photo
 * if the process died in between. So every message is first pushed here (durable, deduplicated by its
 * wamid), then acknowledged, then handled in order per conversation: download, store, ingest. A text
 * sent after a photo waits behind it, so the dialog sees the citizen's messages in the order they were
 * sent. Locks, lapses, retries with backoff and dead letters are the ordered queue's.
 */
export class InboundMailbox {
  private readonly queue: OrderedQueue<WaitingMessage>;
  private connection: Redis | undefined;

  constructor(private readonly opts: InboundMailboxOptions) {
    const maxAttempts = opts.maxAttempts ?? 5;
    // The last download attempt ingests without the file; the dead letters take only what cannot be ingested.
    this.queue = new OrderedQueue<WaitingMessage>(opts.redis, {
      name: 'wac-inbound', prefix: opts.prefix, lockMs: opts.lockMs ?? 60_000, maxTries: maxAttempts + 3, log: opts.log,
    });
  }

  /** Makes the message durable; false when this wamid was pushed before (Meta delivered the webhook again). */
  push(conversationId: string, item: WaitingMessage): Promise<boolean> {
    return this.queue.push(conversationId, item, item.message.id);
  }

  /** Starts handling messages in this process (one that serves the webhook: files land in its media folder). */
  start(): void {
    if (this.connection) return;
    this.connection = this.opts.redis.duplicate({ maxRetriesPerRequest: null, enableAutoPipelining: false });
    logErrorEvents(this.connection, 'whatsapp-cloud inbound worker', this.opts.log);
    this.queue.work(this.connection, { concurrency: 16, log: this.opts.log, handle: (key, item, drained) => this.ingestOne(key, item, drained) });
  }

  /** Stops the worker (finishing messages in progress) and the queue handle. */
  async stop(): Promise<void> {
    await this.queue.close();
    this.connection?.disconnect();
    this.connection = undefined;
  }

  /** Downloads the item's media and ingests it; throws (the queue tries again later) while a download may still succeed. */
  private async ingestOne(conversationId: string, item: WaitingMessage, drained: Drained): Promise<void> {
    const ingest = this.opts.ingest();
    if (!ingest) throw new ChannelUnavailableError('the whatsapp-cloud channel is stopped: the message waits');
    const attachments: Attachment[] = [];
    const ref = mediaOf(item.message);
    if (ref) {
      try {
        attachments.push(await this.opts.fetchMedia(ref, `whatsapp-${item.message.type}`));
      } catch (err) {
        if (err instanceof AppError && err.retryable && drained.tries < (this.opts.maxAttempts ?? 5)) {
          this.opts.log.warn({ err, conversation: maskedId(conversationId), attempts: drained.tries }, 'media download failed; trying again shortly');
          throw err;
        }
        // The citizen still gets an answer: the caption if any, or the engine's "I can only read…".
        this.opts.log.error({ err, conversation: maskedId(conversationId) }, 'media could not be fetched: ingesting the message without it');
      }
    }
    await ingest(await this.opts.activities.build(item.message, item.displayName, attachments));
  }
}
