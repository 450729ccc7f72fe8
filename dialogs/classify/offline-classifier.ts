/**
 * The default classifier: trained at start-up from the catalog (and the city's labelled history,
 * when given), no network, no model files.
 *
 * Two softmax heads over the same hashed features of the masked text (text-features.ts: street
 * names, proper nouns and numbers masked; light stemming per language; word stems, stem bigrams
 * and character n-grams inside words; the first clause counted twice): one picks the service or the explicit {@link NONE} outcome
 * (out-of-scope text, trained from the catalog's `outOfScope` and a built-in background), the other
 * the procedure type. Each head's temperature is fitted on held-out folds of its own training data,
 * so a confidence of 0.8 means right about 8 times in 10 on text like the training text.
 */
import { PROCEDURE_TYPES, LOCALES, type Catalog, type Locale } from '../../catalog/schema';
import { NONE, type Candidate, type Classification, type Classifier } from './classifier';
import { createLocaleDetector, type LocaleDetector } from './detect-locale';
import { BACKGROUND } from './offline/background';
import { fitTemperature, heldOutScores } from './offline/calibrate';
import { FeatureIndex } from './offline/feature-index';
import { IntBuffer } from './offline/feature-hasher';
import { LinearModel, toSparseDoc, type SparseDoc, type TrainOptions } from './offline/linear-model';
import { textFeatures, vocabularyOf, type TextFeatureOptions, type Vocabulary } from './offline/text-features';

/** One labelled message of the city's history (or an agent's correction). */
export interface LabelledText {
  text: string;
  /** A catalog service code, or `none` for text the city does not handle. */
  service: string;
  type?: (typeof PROCEDURE_TYPES)[number];
  locale?: Locale;
}

/** Knobs chosen by k-fold cross-validation on the catalog (`npm run bench:classify -- --cv`). */
export interface OfflineOptions {
  features: TextFeatureOptions;
  service: TrainOptions;
  type: TrainOptions;
  /** Weight of each out-of-scope ("none") training text relative to a service's. */
  noneWeight: number;
  /** Folds of the calibration; 0 skips calibration (temperature 1). */
  calibrationFolds: number;
  /** Calibrate on at most this many documents per head (a sample, so 10,000 history rows stay fast). */
  calibrationSample: number;
  /**
   * At most about this many training updates per head: with many documents (a long history) fewer
   * passes are made, never fewer than 4. Keeps retraining on 10,000 history rows within seconds.
   */
  maxUpdates: number;
  /**
   * Highest service confidence ever reported: the probabilities are mixed with a uniform share so the
   * top one cannot exceed it. Held-out catalog text is cleaner than what citizens write, so even a
   * perfect fit there must not claim certainty (issue 13: a street name once produced 0.993).
   */
  maxConfidence: number;
}

export const DEFAULT_OPTIONS: OfflineOptions = {
  features: { minChar: 4, maxChar: 5, bigrams: true, leadClause: true },
  // A sharper naive Bayes share (alpha 0.01, not 0.1): 5-fold CV on the catalog 0.893 → 0.899 with leadClause.
  service: { epochs: 12, learningRate: 1, l2: 1e-6, nbWeight: 0.4, nbAlpha: 0.01 },
  type: { epochs: 12, learningRate: 1, l2: 1e-6, nbWeight: 0.1 },
  noneWeight: 1,
  calibrationFolds: 3,
  calibrationSample: 2_400,
  maxUpdates: 80_000,
  maxConfidence: 0.98,
};

const MAX_ALTERNATIVES = 3;

/** A trained pair of heads and everything needed to read a message the way they were trained. */
interface Trained {
  services: readonly string[];
  vocabulary: Vocabulary;
  index: FeatureIndex;
  service: LinearModel;
  type: LinearModel;
  stats: TrainingStats;
}

/** What went into a model, for logs and benchmarks. */
export interface TrainingStats {
  serviceDocs: number;
  typeDocs: number;
  historyRows: number;
  features: number;
  serviceTemperature: number;
  typeTemperature: number;
  ms: number;
}

/**
 * @example
 * const offline = OfflineClassifier.train(loadCatalog('config/catalog.yaml'));
 * offline.classifySync('la farola del meu carrer no s\'encén');
 * // → { service: 'alumbrado', type: 'reclamo', confidence: 0.9…, locale: 'ca', alternatives: [...] }
 */
export class OfflineClassifier implements Classifier {
  readonly kind = 'offline';
  // Scratch space reused by every classification: the hot path allocates only its result.
  readonly #hashes = new IntBuffer();
  readonly #rows = new IntBuffer();
  readonly #serviceProbs: Float64Array;
  readonly #typeProbs = new Float64Array(PROCEDURE_TYPES.length);
  readonly #order: number[];

  private constructor(
    private readonly catalog: Catalog,
    private readonly model: Trained,
    private readonly options: OfflineOptions,
    private readonly locale: LocaleDetector,
  ) {
    this.#serviceProbs = new Float64Array(model.services.length + 1);
    this.#order = model.services.map((_, i) => i);
  }

  /**
   * Trains on every service's names, keywords and examples, the out-of-scope examples and every
   * procedure type's examples, in all languages, plus `history`. Deterministic.
   */
  static train(catalog: Catalog, history: readonly LabelledText[] = [], options: OfflineOptions = DEFAULT_OPTIONS): OfflineClassifier {
    const run = OfflineClassifier.training(catalog, history, options);
    for (let r = run.next(); ; r = run.next()) if (r.done) return r.value;
  }

  /**
   * The same training in slices, yielding to the event loop between them, so a bot retraining on a
   * changed history file keeps answering turns meanwhile. Same result as `train`.
   */
  static async trainInBackground(catalog: Catalog, history: readonly LabelledText[] = [], options: OfflineOptions = DEFAULT_OPTIONS): Promise<OfflineClassifier> {
    const run = OfflineClassifier.training(catalog, history, options);
    for (let r = run.next(); ; r = run.next()) {
      if (r.done) return r.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Training as a generator of slices (see trainInBackground). */
  static *training(catalog: Catalog, history: readonly LabelledText[], options: OfflineOptions): Generator<void, OfflineClassifier, void> {
    const t0 = performance.now();
    const locale = createLocaleDetector(catalog);
    const services = catalog.services.map((s) => s.code);
    const none = services.length;
    const serviceTexts: Array<[string, Locale, number]> = [];
    const typeTexts: Array<[string, Locale, number]> = [];
    catalog.services.forEach((s, label) => {
      for (const l of LOCALES) {
        serviceTexts.push([s.names[l], l, label]);
        for (const t of s.keywords?.[l] ?? []) serviceTexts.push([t, l, label]);
        for (const t of s.examples[l]) serviceTexts.push([t, l, label]);
      }
    });
    for (const l of LOCALES) for (const t of catalog.outOfScope?.[l] ?? []) serviceTexts.push([t, l, none]);
    for (const t of BACKGROUND) serviceTexts.push([t, locale(t, catalog.city.defaultLocale), none]);
    PROCEDURE_TYPES.forEach((type, label) => {
      const t = catalog.types[type];
      if (t) for (const l of LOCALES) for (const x of t.examples[l]) typeTexts.push([x, l, label]);
    });
    const codes = new Map(services.map((c, i) => [c, i]));
    codes.set(NONE, none);
    let historyRows = 0;
    for (const row of history) {
      const label = codes.get(row.service);
      if (label === undefined || row.text.trim() === '') continue;
      historyRows++;
      const l = row.locale ?? locale(row.text, catalog.city.defaultLocale);
      serviceTexts.push([row.text, l, label]);
      if (row.type && label !== none) typeTexts.push([row.text, l, PROCEDURE_TYPES.indexOf(row.type)]);
    }
    yield;

    const vocabulary = vocabularyOf([...serviceTexts, ...typeTexts].map(([t]) => t));
    const index = new FeatureIndex(1 << 16);
    const buf = new IntBuffer();
    const doc = ([text, l, label]: [string, Locale, number]): SparseDoc => {
      textFeatures(text, l, vocabulary, options.features, buf);
      return toSparseDoc(buf, index, label);
    };
    const serviceDocs = serviceTexts.map(doc);
    if (options.noneWeight !== 1) for (const d of serviceDocs) if (d.label === none) d.weight = options.noneWeight;
    yield;
    const typeDocs = typeTexts.map(doc);
    yield;
    const features = index.size;
    const service = yield* calibrated(serviceDocs, features, services.length + 1, options.service, options);
    const type = yield* calibrated(typeDocs, features, PROCEDURE_TYPES.length, options.type, options);
    const stats: TrainingStats = {
      serviceDocs: serviceDocs.length,
      typeDocs: typeDocs.length,
      historyRows,
      features,
      serviceTemperature: round3(service.temperature),
      typeTemperature: round3(type.temperature),
      ms: Math.round(performance.now() - t0),
    };
    return new OfflineClassifier(catalog, { services, vocabulary, index, service, type, stats }, options, locale);
  }

  /** Below this confidence the dialog should offer alternatives rather than act on the guess. */
  get threshold(): number {
    return this.catalog.confidenceThreshold;
  }

  /** What this model was trained on and how long it took. */
  get stats(): TrainingStats {
    return this.model.stats;
  }

  /** Language of `text` by the catalog-trained detector; short or ambiguous text keeps `fallback`. */
  detectLocale(text: string, fallback: Locale = this.catalog.city.defaultLocale): Locale {
    return this.locale(text, fallback);
  }

  async classify(text: string, locale?: Locale): Promise<Classification> {
    return this.classifySync(text, locale);
  }

  /** Same as `classify`, without the promise: for the hot path, benchmarks and the hybrid's fallback. */
  classifySync(text: string, locale?: Locale): Classification {
    const { services, vocabulary, index } = this.model;
    const lang = locale ?? this.detectLocale(text);
    textFeatures(text, lang, vocabulary, this.options.features, this.#hashes);
    index.lookup(this.#hashes, this.#rows);
    this.model.service.predict(this.#rows.data, this.#rows.length, this.#serviceProbs);
    capConfidence(this.#serviceProbs, this.options.maxConfidence);
    this.model.type.predict(this.#rows.data, this.#rows.length, this.#typeProbs);
    const type = PROCEDURE_TYPES[argmax(this.#typeProbs)]!;
    const p = this.#serviceProbs;
    const order = this.#order;
    // Reset first so ties rank by catalog order, whatever the previous message was.
    for (let i = 0; i < order.length; i++) order[i] = i;
    const ranked = order.sort((a, b) => p[b]! - p[a]! || a - b).slice(0, MAX_ALTERNATIVES + 1);
    const candidates: Candidate[] = ranked.map((s) => ({ service: services[s]!, type, confidence: p[s]! }));
    const none = p[services.length]!;
    if (none > candidates[0]!.confidence) {
      return { service: NONE, type, confidence: none, alternatives: candidates.slice(0, MAX_ALTERNATIVES), locale: lang };
    }
    const [top, ...alternatives] = candidates;
    // The catalog schema requires at least one service, so there is always a top candidate.
    return { ...top!, alternatives, locale: lang };
  }
}

/** A head trained on all `docs`, at the temperature fitted on held-out folds of (a sample of) them. */
function* calibrated(
  docs: SparseDoc[],
  features: number,
  classes: number,
  train: TrainOptions,
  options: OfflineOptions,
): Generator<void, LinearModel, void> {
  const passes = (n: number): TrainOptions => ({ ...train, epochs: Math.min(train.epochs ?? 12, Math.max(4, Math.ceil(options.maxUpdates / Math.max(1, n)))) });
  const model = yield* LinearModel.training(docs, features, classes, passes(docs.length));
  if (options.calibrationFolds < 2 || docs.length < options.calibrationFolds * 5) return model;
  const sample = docs.length > options.calibrationSample ? every(docs, options.calibrationSample) : docs;
  const scores = yield* heldOutScores(sample, features, classes, passes(docs.length), options.calibrationFolds);
  return model.withTemperature(fitTemperature(scores));
}

/** About `n` documents spread evenly over `docs` (deterministic). */
function every<T>(docs: readonly T[], n: number): T[] {
  const step = docs.length / n;
  return Array.from({ length: n }, (_, i) => docs[Math.floor(i * step)]!);
}

/** Mixes `p` with the uniform distribution just enough that no entry exceeds `max` (a no-op when none does). */
function capConfidence(p: Float64Array, max: number): void {
  const k = p.length;
  let top = 0;
  for (let i = 0; i < k; i++) if (p[i]! > top) top = p[i]!;
  if (top <= max || k < 2) return;
  // (1 - e) * top + e / k = max
  const e = (top - max) / (top - 1 / k);
  for (let i = 0; i < k; i++) p[i] = (1 - e) * p[i]! + e / k;
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
