import type { Metrics } from '../../bot/metrics';
import type { Locale } from '../../catalog/schema';
import { NONE, type Classifier } from './classifier';

/** What a measured classifier records (the process's Metrics). */
export type ClassificationMetrics = Pick<Metrics, 'classifications' | 'classificationConfidence'>;

/** A classifier as the engine may use it: the offline one also detects languages and has its threshold. */
type WithExtras = Classifier & { detectLocale?(text: string, fallback?: Locale): Locale; readonly threshold?: number };

/**
 * Wraps a classifier so each reading is counted: classified or unclassified (the explicit "none"), and
 * the confidence of the chosen service. A rising unclassified rate or falling confidence says the
 * catalog's words no longer match what citizens write.
 */
export function measuredClassifier(inner: WithExtras, metrics: ClassificationMetrics): WithExtras {
  return {
    kind: inner.kind,
    // Read through, not copied: a retrained offline classifier's threshold and languages are current.
    get threshold() {
      return inner.threshold;
    },
    ...(inner.detectLocale ? { detectLocale: (text: string, fallback?: Locale) => inner.detectLocale!(text, fallback) } : {}),
    async classify(text, locale) {
      const reading = await inner.classify(text, locale);
      metrics.classifications.inc({ outcome: reading.service === NONE ? 'unclassified' : 'classified' });
      metrics.classificationConfidence.observe(reading.confidence);
      return reading;
    },
  };
}
