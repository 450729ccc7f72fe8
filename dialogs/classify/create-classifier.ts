import type { Logger } from 'pino';
import type { Config } from '../../bot/config';
import type { Catalog } from '../catalog/schema';
import { createChatModel } from './chat-model';
import type { Classifier } from './classifier';
import { HybridClassifier } from './hybrid-classifier';
import { LlmClassifier } from './llm-classifier';
import { OfflineClassifier } from './offline-classifier';

/**
 * The one place that decides how messages are classified; the bot and `npm run classify` both
 * call it, so what the CLI prints is what the bot would do.
 *
 * - No `LLM_PROVIDER`: the offline classifier trained from the catalog (no network at all).
 * - `LLM_PROVIDER` set: a {@link HybridClassifier} around that offline classifier and an
 *   {@link LlmClassifier}, in `LLM_MODE`, with `LLM_TIMEOUT_MS` per call.
 *
 * Training happens here, synchronously, so call it once at start-up.
 */
export function createClassifier(config: Config, catalog: Catalog, log?: Logger): Classifier {
  const offline = OfflineClassifier.train(catalog);
  if (!config.LLM_PROVIDER) return offline;
  const llm = new LlmClassifier({
    model: createChatModel(config),
    catalog,
    timeoutMs: config.LLM_TIMEOUT_MS,
    detectLocale: (text, fallback) => offline.detectLocale(text, fallback),
  });
  return new HybridClassifier({ offline, llm, mode: config.LLM_MODE, log });
}
