/**
 * The offline classifier kept up to date with the city's history: trained from the catalog plus every
 * source of labelled texts (the `CLASSIFIER_HISTORY` files; other sources such as agents' corrections
 * can be added with `setSource`), retrained whenever a source changes, and swapped in atomically.
 *
 * - Retraining never blocks turns: `OfflineClassifier.trainInBackground` runs in slices and yields to
 *   the event loop between them; classifications meanwhile use the previous model, whole.
 * - A file that cannot be read as CSV is logged with its name and line and changes nothing: the
 *   previous rows of that file (and so the previous model) stay.
 * - Files are polled (size, modification time and inode, compared with what was last read), which
 *   also sees a file replaced by rename, as editors and `cp`/`mv` deployments do, and a change made
 *   right after start-up; changes that arrive during a retraining cause one more retraining.
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Catalog, Locale } from '../../catalog/schema';
import type { Classification, Classifier } from './classifier';
import { readHistoryFile, readHistoryFileSync, type HistoryFile } from './history';
import { OfflineClassifier, type LabelledText, type TrainingStats } from './offline-classifier';

export interface LiveClassifierOptions {
  catalog: Catalog;
  /** CSV files of labelled history (see history.ts). */
  files: readonly string[];
  log?: Logger;
  /** Watch the files and retrain on change. @defaultValue true */
  watch?: boolean;
  /** Polling interval of the files, ms. @defaultValue 2000 */
  pollMs?: number;
  /** A file that cannot be read at start throws instead of being logged and left out (the CLI). @defaultValue false */
  strict?: boolean;
}

/** Emitted after each swap (tests, metrics). */
export type SwapListener = (stats: TrainingStats) => void;

export class LiveOfflineClassifier implements Classifier {
  readonly kind = 'offline';
  #current: OfflineClassifier;
  readonly #sources = new Map<string, readonly LabelledText[]>();
  readonly #opts: LiveClassifierOptions;
  readonly #listeners = new Set<SwapListener>();
  #training: Promise<void> | undefined;
  /** Size, mtime and inode of each file when it was last read ('' when it could not be). */
  readonly #seen = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #again = false;
  #closed = false;

  private constructor(opts: LiveClassifierOptions, first: OfflineClassifier) {
    this.#opts = opts;
    this.#current = first;
  }

  /**
   * Reads the files and trains the first model before returning (synchronously: this is start-up).
   * A file that cannot be read is logged and left out, unless `strict`.
   */
  static start(opts: LiveClassifierOptions): LiveOfflineClassifier {
    const sources = new Map<string, readonly LabelledText[]>();
    const seen = new Map<string, string>();
    for (const file of opts.files) {
      seen.set(file, signature(file));
      try {
        sources.set(fileKey(file), logRead(opts.log, readHistoryFileSync(file, opts.catalog)).rows);
      } catch (err) {
        if (opts.strict) throw err;
        opts.log?.error({ err, file }, 'history file not used: the classifier trains without it until it is fixed');
      }
    }
    const live = new LiveOfflineClassifier(opts, OfflineClassifier.train(opts.catalog, [...sources.values()].flat()));
    for (const [k, rows] of sources) live.#sources.set(k, rows);
    for (const [f, sig] of seen) live.#seen.set(f, sig);
    opts.log?.info({ ...live.stats, files: opts.files.length }, 'offline classifier trained');
    if (opts.watch ?? true) live.#watch();
    return live;
  }

  /** The model answering now. */
  get current(): OfflineClassifier {
    return this.#current;
  }

  get stats(): TrainingStats {
    return this.#current.stats;
  }

  get threshold(): number {
    return this.#current.threshold;
  }

  detectLocale(text: string, fallback?: Locale): Locale {
    return this.#current.detectLocale(text, fallback);
  }

  async classify(text: string, locale?: Locale): Promise<Classification> {
    return this.#current.classifySync(text, locale);
  }

  classifySync(text: string, locale?: Locale): Classification {
    return this.#current.classifySync(text, locale);
  }

  /** Calls `listener` after every swap to a retrained model. Returns an unsubscribe function. */
  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Replaces the labelled texts of a named source (e.g. "corrections") and retrains in the
   * background. Resolves when a model including them answers.
   */
  setSource(name: string, rows: readonly LabelledText[]): Promise<void> {
    const key = `source:${name}`;
    // An empty source that was never filled changes nothing (start-up with no corrections yet): retraining
    // then would only double the start-up CPU and the heap's peak.
    if (rows.length === 0 && (this.#sources.get(key)?.length ?? 0) === 0) {
      this.#sources.set(key, rows);
      return this.#training ?? Promise.resolve();
    }
    this.#sources.set(key, rows);
    return this.retrain();
  }

  /** Re-reads `file` (one of the history files) and retrains if it could be read. */
  async reloadFile(file: string): Promise<void> {
    this.#seen.set(file, signature(file));
    let read: HistoryFile;
    try {
      read = await readHistoryFile(file, this.#opts.catalog);
    } catch (err) {
      this.#opts.log?.error({ err, file }, 'history file changed but cannot be used: the previous model stays');
      return;
    }
    logRead(this.#opts.log, read);
    this.#sources.set(fileKey(file), read.rows);
    await this.retrain();
  }

  /** Retrains on the catalog and every source, in the background; one retraining at a time. */
  retrain(): Promise<void> {
    if (this.#training) {
      this.#again = true;
      return this.#training;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        const rows = [...this.#sources.values()].flat();
        const next = await OfflineClassifier.trainInBackground(this.#opts.catalog, rows);
        if (this.#closed) return;
        this.#current = next; // the swap: one assignment, so a classification sees the old or the new model, whole
        this.#opts.log?.info({ ...next.stats }, 'offline classifier retrained and swapped in');
        for (const l of this.#listeners) l(next.stats);
      } while (this.#again);
    };
    this.#training = run().finally(() => {
      this.#training = undefined;
    });
    return this.#training;
  }

  /** Stops watching the files. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
  }

  #watch(): void {
    if (this.#opts.files.length === 0) return;
    this.#timer = setInterval(() => void this.#poll(), this.#opts.pollMs ?? 2_000);
    this.#timer.unref();
  }

  /** Reloads every file whose size, modification time or inode changed since it was last read. */
  async #poll(): Promise<void> {
    if (this.#polling || this.#closed) return;
    this.#polling = true;
    try {
      for (const file of this.#opts.files) {
        const now = await signatureAsync(file);
        if (now === this.#seen.get(file)) continue;
        if (now === '') {
          this.#seen.set(file, now);
          this.#opts.log?.warn({ file }, 'history file removed: its rows stay until it is back');
          continue;
        }
        await this.reloadFile(file);
      }
    } catch (err) {
      this.#opts.log?.error({ err }, 'retraining after a history file change failed: the previous model stays');
    } finally {
      this.#polling = false;
    }
  }
}

/** What identifies a version of a file: size, modification time and inode ('' when it cannot be read). */
function signature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return '';
  }
}

async function signatureAsync(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return '';
  }
}

function fileKey(file: string): string {
  return `file:${file}`;
}

function logRead(log: Logger | undefined, read: HistoryFile): HistoryFile {
  const skipped = read.skipped.unknownService + read.skipped.emptyText;
  const fields = { file: read.file, rows: read.rows.length, read: read.read, skippedUnknownService: read.skipped.unknownService, skippedEmptyText: read.skipped.emptyText, ignoredLabels: read.ignoredLabels };
  if (skipped > 0) log?.warn(fields, `history file: ${skipped} rows skipped (${read.skipped.unknownService} with a service not in the catalog, ${read.skipped.emptyText} with no text)`);
  else log?.info(fields, 'history file read');
  return read;
}
