import type { Logger } from '../bot/logger';
import type { Connector } from '../connectors/connector';
import type { Catalog, Locale } from './catalog/schema';
import type { Classifier } from './classify/classifier';

/**
 * A classifier as the engine uses it. `detectLocale` and `threshold` are optional capabilities of
 * the offline classifier: without them the conversation's language and the catalog's threshold are used.
 */
export type EngineClassifier = Classifier & {
  detectLocale?(text: string, fallback?: Locale): Locale;
  readonly threshold?: number;
};

/** What the dialogs need from the outside world. */
export interface EngineDeps {
  catalog: Catalog;
  classifier: EngineClassifier;
  connector: Connector;
  log: Logger;
}
