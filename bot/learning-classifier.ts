import type { Config } from './config';
import type { Logger } from './logger';
import type { Catalog } from '../dialogs/catalog/schema';
import type { Classifier } from '../dialogs/classify/classifier';
import { LiveOfflineClassifier } from '../dialogs/classify/live-classifier';

/**
 * The bot's classifier, with an offline side that can learn while it runs (agents' corrections, see
 * queues/console/correction-feed.ts): `live` takes new labelled texts; `classifier` answers turns.
 *
 * createClassifier (dialogs/classify/create-classifier.ts) builds a retrainable offline side only when history files are
 * configured, and keeps it inside the hybrid when a model is configured; so here the retrainable side
 * is built first and, with a model, wrapped the same way createClassifier wraps its own. Read
 * createClassifier before changing either.
 */
export async function createLearningClassifier(config: Config, catalog: Catalog, log: Logger): Promise<{ classifier: Classifier; live: LiveOfflineClassifier }> {
  const files = config.CLASSIFIER_HISTORY ?? [];
  const live = LiveOfflineClassifier.start({ catalog, files, log });
  if (!config.LLM_PROVIDER) return { classifier: live, live };
  const [{ createChatModel }, { HybridClassifier }, { LlmClassifier }] = await Promise.all([
    import('../dialogs/classify/chat-model'), import('../dialogs/classify/hybrid-classifier'), import('../dialogs/classify/llm-classifier'),
  ]);
  const llm = new LlmClassifier({ model: createChatModel(config), catalog, timeoutMs: config.LLM_TIMEOUT_MS, detectLocale: (text, fallback) => live.detectLocale(text, fallback) });
  return { classifier: new HybridClassifier({ offline: live, llm, mode: config.LLM_MODE, log }), live };
}
