import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger';
import { logErrorEvents } from '../bot/error-events';
import { CORRECTIONS_FOR_TRAINING, type CorrectionsStore } from '../bot/sql/corrections-store';
import type { Catalog } from '../catalog/schema';
import type { LabelledText } from '../dialogs/classify/offline-classifier';

/** The classifier source the corrections fill (LiveOfflineClassifier `setSource`). */
export const CORRECTIONS_SOURCE = 'corrections';

/** What the feed needs of a classifier: a named source of labelled texts, retrained in the background. */
export interface CorrectableClassifier {
  setSource(name: string, rows: readonly LabelledText[]): Promise<void>;
}

export interface CorrectionFeedOptions {
  /** Our own commands (publish). */
  redis: Redis;
  prefix: string;
  store: CorrectionsStore;
  catalog: Catalog;
  log: Logger;
  /** How many of the latest corrections the classifier trains on. @defaultValue CORRECTIONS_FOR_TRAINING */
  limit?: number;
}

/**
 * Agents' corrections reach the classifier of every process: whoever stores one calls `announce`, a
 * Redis pub/sub notice; every process that classifies `follow`s it, reads the latest corrections from
 * SQL (the one record of them: a notice carries nothing, so a lost one costs only freshness until the
 * next) and hands them to its classifier, which retrains in the background and swaps the model in.
 *
 * Reads at start, on every notice and after every reconnection of the subscriber (notices sent while it
 * was away are lost to pub/sub). Notices that arrive during a reload cause one more reload.
 */
export class CorrectionFeed {
  readonly channel: string;
  #subscriber: Redis | undefined;
  #reloading: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(private readonly opts: CorrectionFeedOptions) {
    this.channel = `${opts.prefix}:classifier-corrections`;
  }

  /** Tells every following process that the corrections changed. */
  async announce(): Promise<void> {
    await this.opts.redis.publish(this.channel, 'changed');
  }

  /**
   * Loads the corrections into `classifier` now (resolving when a model trained on them answers) and
   * again whenever they change.
   */
  async follow(classifier: CorrectableClassifier): Promise<void> {
    const subscriber = this.opts.redis.duplicate();
    this.#subscriber = subscriber;
    logErrorEvents(subscriber, 'corrections subscriber', this.opts.log);
    subscriber.on('message', () => void this.reload(classifier));
    let first = true;
    subscriber.on('ready', () => {
      if (first) first = false;
      else void this.reload(classifier); // back after a disconnection: notices may have been lost
    });
    await subscriber.subscribe(this.channel);
    await this.reload(classifier);
  }

  /** Reads the latest corrections and gives them to `classifier`; one reload at a time. */
  reload(classifier: CorrectableClassifier): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        const rows = await this.rows();
        if (this.#closed) return;
        this.opts.log.info({ corrections: rows.length }, 'agent corrections loaded into the classifier');
        await classifier.setSource(CORRECTIONS_SOURCE, rows);
      } while (this.#again && !this.#closed);
    };
    this.#reloading = run()
      .catch((err: unknown) => this.opts.log.error({ err }, 'agent corrections could not be loaded: the classifier keeps the previous ones'))
      .finally(() => {
        this.#reloading = undefined;
      });
    return this.#reloading;
  }

  /** The latest corrections as training rows; a service no longer in the catalog is left out. */
  async rows(): Promise<LabelledText[]> {
    const codes = new Set(this.opts.catalog.services.map((s) => s.code));
    const latest = await this.opts.store.latest(this.opts.limit ?? CORRECTIONS_FOR_TRAINING);
    return latest.filter((c) => codes.has(c.service)).map((c) => ({ text: c.text, service: c.service, type: c.type, locale: c.locale }));
  }

  close(): void {
    this.#closed = true;
    this.#subscriber?.disconnect();
  }
}
