import { randomBytes } from 'node:crypto';
import type { Attachment } from 'botbuilder';
import type { Logger } from 'pino';
import type { Ingest } from '../../bot/channel';
import { AppError } from '../../bot/errors';
import { maskedId } from '../../bot/masked-id';
import type { ActivityBuilder } from './activity-builder';
import type { HeldMessage, HeldMessages } from './held-messages';
import { mediaOf, type MediaRef } from './to-activity';

export interface HeldDrainerOptions {
  held: HeldMessages;
  /** Downloads and stores one file (see fetchMedia). */
  fetchMedia: (ref: MediaRef, filename: string) => Promise<Attachment>;
  /** The ingest function while the channel is started. */
  ingest: () => Ingest | undefined;
  activities: ActivityBuilder;
  log: Logger;
  /** How often any process looks for conversations left behind (a drainer died, a download failed). @defaultValue 10000 */
  sweepMs?: number;
  /** Drain lock lifetime; a dead drainer delays its conversation this long. @defaultValue 60000 */
  lockMs?: number;
  /** Download attempts (1 s, 2 s, 4 s… apart, on sweeps) before the message is ingested without its file. @defaultValue 5 */
  maxAttempts?: number;
}

const RETRY_BASE_MS = 1_000;

/**
 * Empties HeldMessages: for each waiting message, in order, downloads its media, ingests it, and only
 * then removes it. Runs in the background of the webhook (never delaying Meta's acknowledgement) and
 * from a sweeper, which also retries downloads that failed for a passing reason.
 */
export class HeldDrainer {
  private readonly inFlight = new Map<string, Promise<void>>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly opts: HeldDrainerOptions) {}

  /** Drains a conversation in the background (no-op when this process is already draining it). */
  kick(conversationId: string): void {
    if (this.inFlight.has(conversationId)) {
      // Ours is running; it may be past its last look at the list, so look again when it ends.
      void this.inFlight.get(conversationId)!.then(() => this.kick(conversationId));
      return;
    }
    const run = this.drain(conversationId)
      .catch((err: unknown) => this.opts.log.error({ err, conversation: maskedId(conversationId) }, 'draining held messages failed; the sweeper retries'))
      .finally(() => this.inFlight.delete(conversationId));
    this.inFlight.set(conversationId, run);
  }

  start(): void {
    this.sweeper ??= setInterval(() => void this.sweep(), this.opts.sweepMs ?? 10_000);
    this.sweeper.unref();
    void this.sweep();
  }

  /** Stops sweeping and waits for drains in progress. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async sweep(): Promise<void> {
    try {
      for (const conversationId of await this.opts.held.conversations()) if (!this.inFlight.has(conversationId)) this.kick(conversationId);
    } catch (err) {
      this.opts.log.error({ err }, 'sweep for held messages failed');
    }
  }

  private async drain(conversationId: string): Promise<void> {
    const { held } = this.opts;
    const lockMs = this.opts.lockMs ?? 60_000;
    const token = randomBytes(8).toString('hex');
    if (!this.opts.ingest() || !(await held.lock(conversationId, token, lockMs))) return;
    try {
      for (;;) {
        const item = await held.head(conversationId);
        if (!item) {
          if (await held.finish(conversationId, token)) return;
          continue;
        }
        if (!(await this.ingestOne(conversationId, item))) return;
        await held.popHead(conversationId);
        await held.extend(conversationId, token, lockMs);
      }
    } finally {
      await held.unlock(conversationId, token);
    }
  }

  /** Downloads the item's media and ingests it; false when the download should be tried again later. */
  private async ingestOne(conversationId: string, item: HeldMessage): Promise<boolean> {
    const ingest = this.opts.ingest();
    if (!ingest || (item.notBefore ?? 0) > Date.now()) return false;
    const attachments: Attachment[] = [];
    const ref = mediaOf(item.message);
    if (ref) {
      try {
        attachments.push(await this.opts.fetchMedia(ref, `whatsapp-${item.message.type}`));
      } catch (err) {
        const attempts = item.attempts + 1;
        if (err instanceof AppError && err.retryable && attempts < (this.opts.maxAttempts ?? 5)) {
          this.opts.log.warn({ err, conversation: maskedId(conversationId), attempts }, 'media download failed; trying again on the next sweep');
          await this.opts.held.replaceHead(conversationId, { ...item, attempts, notBefore: Date.now() + RETRY_BASE_MS * 2 ** (attempts - 1) });
          return false;
        }
        // The citizen still gets an answer: the caption if any, or the engine's "I can only read…".
        this.opts.log.error({ err, conversation: maskedId(conversationId) }, 'media could not be fetched: ingesting the message without it');
      }
    }
    await ingest(await this.opts.activities.build(item.message, item.displayName, attachments));
    return true;
  }
}
