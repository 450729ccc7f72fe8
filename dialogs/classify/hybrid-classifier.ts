import type { Logger } from 'pino';
import { LlmUnavailableError } from '../../bot/errors';
import type { Metrics } from '../../bot/metrics';
import type { Locale } from '../../catalog/schema';
import { NONE, type Candidate, type Classification, type Classifier } from './classifier';
import type { OfflineClassifier } from './offline-classifier';

/** What the hybrid needs of the offline side (an OfflineClassifier, or a LiveOfflineClassifier that retrains). */
export type OfflineSide = Pick<OfflineClassifier, 'classify' | 'threshold' | 'detectLocale'>;

/** What a {@link HybridClassifier} combines. */
export interface HybridClassifierOptions {
  /** Always consulted first: it detects the language and is the fallback answer. */
  offline: OfflineSide;
  /** Usually an `LlmClassifier`; any failure of it is survivable. */
  llm: Classifier;
  /** `hybrid`: ask `llm` only when offline says "none" or its confidence is below `offline.threshold`; `llm`: always ask it. */
  mode: 'hybrid' | 'llm';
  log?: Logger;
  /** Times each model call and counts the fallbacks to the offline answer. */
  metrics?: Pick<Metrics, 'llmSeconds' | 'llmFallbacks'>;
}

/** Most alternatives a Classification carries (see `Classification.alternatives`). */
const MAX_ALTERNATIVES = 3;

/**
 * Offline first, the LLM only when it can help, and never worse than offline.
 *
 * Every way the LLM side can fail or be refused — timeout, 429, 5xx, malformed or non-catalog
 * answer, the citizen's hourly allowance spent, the provider's circuit breaker open — ends here in
 * the offline answer, so a compromised or absent model can never route outside the catalog.
 *
 * In `hybrid` mode a confident offline answer is returned without any network call, so the LLM
 * costs nothing on clear messages. Whenever the LLM is asked and fails (timeout, HTTP error,
 * an answer outside the catalog, or anything else), the offline answer is returned and a warning
 * is logged with the error only: the citizen's text is never logged.
 */
export class HybridClassifier implements Classifier {
  readonly kind = 'hybrid';
  readonly #opts: HybridClassifierOptions;

  constructor(opts: HybridClassifierOptions) {
    this.#opts = opts;
  }

  async classify(text: string, locale?: Locale): Promise<Classification> {
    const { offline, llm, mode, log, metrics } = this.#opts;
    const local = await offline.classify(text, locale);
    // The explicit "none" outcome is not an answer to act on: the LLM may still see a service in it.
    if (mode === 'hybrid' && local.service !== NONE && local.confidence >= offline.threshold) return local;

    let remote: Classification;
    const started = performance.now();
    try {
      // The offline locale goes along so both readings agree on the message's language.
      remote = await llm.classify(text, local.locale);
      metrics?.llmSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1_000);
    } catch (err) {
      // A skipped call (allowance spent, breaker open) is expected and already logged once by the guard.
      const skipped = err instanceof Error && err.cause instanceof LlmUnavailableError;
      if (!skipped) metrics?.llmSeconds.observe({ outcome: 'failed' }, (performance.now() - started) / 1_000);
      metrics?.llmFallbacks.inc({ reason: skipped ? 'skipped' : 'error' });
      (skipped ? log?.debug.bind(log) : log?.warn.bind(log))?.(
        { err, mode, offlineService: local.service, offlineConfidence: local.confidence },
        'LLM classification failed; using the offline answer',
      );
      return local;
    }
    return {
      ...remote,
      locale: remote.locale ?? local.locale,
      alternatives: remote.alternatives.length > 0 ? remote.alternatives : offlineAlternatives(remote.service, local),
    };
  }
}

/**
 * When the LLM names no alternatives, the offline reading's candidates (its top answer included,
 * minus the LLM's choice) are still the best runners-up the dialog can offer.
 */
function offlineAlternatives(chosen: string, local: Classification): Candidate[] {
  const { service, type, confidence } = local;
  return [{ service, type, confidence }, ...local.alternatives]
    .filter((c) => c.service !== chosen && c.service !== NONE)
    .slice(0, MAX_ALTERNATIVES);
}
