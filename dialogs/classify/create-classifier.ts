import type { Logger } from 'pino';
import type { Config } from '../../bot/config';
import type { Catalog } from '../../catalog/schema';
import type { Classifier } from './classifier';
import type { HybridClassifierOptions } from './hybrid-classifier';
import { LiveOfflineClassifier } from './live-classifier';
import { OfflineClassifier } from './offline-classifier';

/**
 * The one place that decides how messages are classified; the bot and `npm run classify` both
 * call it, so what the CLI prints is what the bot would do.
 *
 * - No `LLM_PROVIDER`: the offline classifier trained from the catalog (no network at all).
 * - `LLM_PROVIDER` set: a {@link HybridClassifier} around that offline classifier and an
 *   {@link LlmClassifier}, in `LLM_MODE`, with `LLM_TIMEOUT_MS` per call.
 *
 * - `CLASSIFIER_HISTORY` set: the offline side is a {@link LiveOfflineClassifier} trained on the
 *   catalog plus those CSV files, retrained in the background when they change.
 *
 * Training happens here, so call it once at start-up. LangChain is imported only when a model is
 * configured: it is ~25 MB of resident memory that an offline bot never needs.
 */
export async function createClassifier(
  config: Config,
  catalog: Catalog,
  log?: Logger,
  history: { watch?: boolean; strict?: boolean } = {},
): Promise<Classifier> {
  const files = config.CLASSIFIER_HISTORY ?? [];
  const offline = files.length > 0
    ? LiveOfflineClassifier.start({ catalog, files, ...(log ? { log } : {}), ...history })
    : OfflineClassifier.train(catalog);
  return withModel(config, catalog, offline, log);
}

/**
 * `offline` as the bot uses it: alone without `LLM_PROVIDER`; with one, inside a
 * {@link HybridClassifier} with an {@link LlmClassifier} in `LLM_MODE` (timeout `LLM_TIMEOUT_MS`).
 * Also used by bot/learning-classifier.ts, whose offline side learns from agents' corrections.
 */
export async function withModel(
  config: Config, catalog: Catalog, offline: OfflineClassifier | LiveOfflineClassifier, log?: Logger, metrics?: HybridClassifierOptions['metrics'],
): Promise<Classifier> {
  if (!config.LLM_PROVIDER) return offline;
  const [{ createChatModel }, { HybridClassifier }, { LlmClassifier }] = await Promise.all([
    import('./chat-model'), import('./hybrid-classifier'), import('./llm-classifier'),
  ]);
  const llm = new LlmClassifier({
    model: createChatModel(config),
    catalog,
    timeoutMs: config.LLM_TIMEOUT_MS,
    detectLocale: (text, fallback) => offline.detectLocale(text, fallback),
  });
  return new HybridClassifier({ offline, llm, mode: config.LLM_MODE, log, ...(metrics ? { metrics } : {}) });
}
