import type { Config } from './config';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { measuredClassifier } from '../dialogs/classify/measured-classifier';
import type { Catalog } from '../catalog/schema';
import type { Classifier } from '../dialogs/classify/classifier';
import { withModel } from '../dialogs/classify/create-classifier';
import { LiveOfflineClassifier } from '../dialogs/classify/live-classifier';

/**
 * The bot's classifier, with an offline side that can learn while it runs (agents' corrections, see
 * console/correction-feed.ts): `live` takes new labelled texts; `classifier` answers turns.
 * createClassifier builds a retrainable offline side only when history files are configured, so here
 * it is always retrainable, then wrapped with the model exactly as createClassifier does (withModel).
 */
export async function createLearningClassifier(
  config: Config, catalog: Catalog, log: Logger, metrics?: Metrics,
): Promise<{ classifier: Classifier; live: LiveOfflineClassifier }> {
  const live = LiveOfflineClassifier.start({ catalog, files: config.CLASSIFIER_HISTORY ?? [], log });
  const classifier = await withModel(config, catalog, live, log, metrics);
  // Every reading counted (outcome, confidence) when the process has metrics.
  return { classifier: metrics ? measuredClassifier(classifier, metrics) : classifier, live };
}
