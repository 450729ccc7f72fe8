import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../bot/logger';
import type { Article } from './article';
import { KnowledgeBase, type RelevanceThreshold } from './knowledge-base';
import { describeProblems, loadKnowledge, readKnowledge } from './load-knowledge';

export interface LiveKnowledgeOptions {
  log: Logger;
  threshold?: RelevanceThreshold;
  /**
   * Wait this long after the last change before re-reading: an editor saving a file fires several
   * events, and a `git pull` changes many files at once.
   * @defaultValue 300
   */
  debounceMs?: number;
  /** Watch the folder for changes. @defaultValue true */
  watch?: boolean;
}

/**
 * The knowledge base of a folder, kept current: read and indexed at start (an invalid file stops
 * the boot with a ConfigError naming it), then re-read and re-indexed whenever a file in the folder
 * changes, without a restart. A new base replaces the old one in one assignment, so a question is
 * always answered from one whole version.
 *
 * When a change leaves an invalid file (a half-saved edit, a typo in the front matter), the error is
 * logged with the file and field, and the last valid base keeps answering until the file is fixed.
 */
export class LiveKnowledge {
  #base: KnowledgeBase;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #version = 1;
  readonly #listeners = new Set<(base: KnowledgeBase) => void>();

  constructor(
    private readonly dir: string,
    private readonly options: LiveKnowledgeOptions,
  ) {
    this.#base = this.#build(loadKnowledge(dir));
    if (options.watch !== false) this.#watch();
  }

  /** The current base. Read it per question; do not keep it across turns. */
  get base(): KnowledgeBase {
    return this.#base;
  }

  /** Counts successful (re)loads, starting at 1. */
  get version(): number {
    return this.#version;
  }

  /** Called after every successful reload (tests and metrics). Returns a function that unsubscribes. */
  onReload(listener: (base: KnowledgeBase) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the folder now. Returns false (and keeps the current base) when a file is invalid. */
  reload(): boolean {
    const { articles, problems } = readKnowledge(this.dir);
    if (problems.length > 0) {
      this.options.log.error({ dir: this.dir, problems: describeProblems(problems) }, 'knowledge base not reloaded: invalid files (the last valid version keeps answering)');
      return false;
    }
    this.#base = this.#build(articles);
    this.#version += 1;
    this.options.log.info({ dir: this.dir, articles: this.#base.size(), version: this.#version }, 'knowledge base reloaded');
    for (const listener of this.#listeners) listener(this.#base);
    return true;
  }

  /** Stops watching. Safe to call twice. */
  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #build(articles: readonly Article[]): KnowledgeBase {
    return new KnowledgeBase(articles, this.options.threshold ? { threshold: this.options.threshold } : {});
  }

  #watch(): void {
    // Recursive: the articles live one level down, in a folder per language.
    this.#watcher = watch(this.dir, { recursive: true }, () => this.#schedule());
    this.#watcher.on('error', (err) => this.options.log.error({ err, dir: this.dir }, 'knowledge base watcher failed; changes need a restart'));
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      try {
        this.reload();
      } catch (err) {
        this.options.log.error({ err, dir: this.dir }, 'knowledge base reload failed');
      }
    }, this.options.debounceMs ?? 300);
    this.#timer.unref();
  }
}
