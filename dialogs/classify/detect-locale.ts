/**
 * Which of es / ca / en a message is written in.
 *
 * A softmax model over words and character 1–4-grams of the lowercased text, keeping accents and
 * apostrophes because they carry most of the Spanish/Catalan signal ("està" vs "está", "s'encén",
 * "l·l"). Training text is also fed accent-stripped so citizens who type without accents are
 * recognised too. Messages under three words ("hola", "no funciona"), or where no language is
 * clearly ahead of the fallback, keep the fallback: the conversation's current language is a
 * better guess than a coin toss.
 */
import { LOCALES, type Catalog, type Locale } from '../catalog/schema';
import { extractFeatures, IntBuffer, type FeatureOptions } from './offline/feature-hasher';
import { FeatureIndex } from './offline/feature-index';
import { LinearModel, toSparseDoc } from './offline/linear-model';
import { LOCALE_SEED } from './offline/locale-seed';
import { normalize } from './normalize';

/** Signature shared by `detectLocale`, detectors made by `createLocaleDetector` and `OfflineClassifier.detectLocale`. */
export type LocaleDetector = (text: string, fallback: Locale) => Locale;

const FEATURES: FeatureOptions = { words: true, bigrams: false, minChar: 1, maxChar: 4 };
// The conversation's language is sticky: another one wins only when it is likely on its own and
// clearly ahead of the fallback, so "no funciona" (es and ca alike) does not flip the language.
const MIN_PROB = 0.6;
const MIN_LEAD = 0.35;
const MIN_WORDS = 3;
const TRAINING = { epochs: 15, learningRate: 1, l2: 1e-5 };

const CURLY_APOSTROPHE = /[\u2019\u00b4`]/g;
const MIDDLE_DOTS = /[\u2022\u2027\u0387]/g;
const NOT_LETTER = /[^\p{L}\p{N}'·]+/gu;
const REPEATS = /(\p{L})\1{2,}/gu;

/** Lowercase, accents and apostrophes kept, everything else a single space. */
function localeText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFC')
    .replace(CURLY_APOSTROPHE, "'")
    .replace(MIDDLE_DOTS, '·')
    .replace(NOT_LETTER, ' ')
    .replace(REPEATS, '$1')
    .trim();
}

function countWords(t: string): number {
  let n = 1;
  for (let i = t.indexOf(' '); i !== -1; i = t.indexOf(' ', i + 1)) n++;
  return n;
}

class LocaleModel {
  private readonly hashes = new IntBuffer();
  private readonly rows = new IntBuffer();
  private readonly probs = new Float64Array(LOCALES.length);

  private constructor(
    private readonly index: FeatureIndex,
    private readonly model: LinearModel,
  ) {}

  static train(corpus: Readonly<Record<Locale, readonly string[]>>): LocaleModel {
    const index = new FeatureIndex();
    const buf = new IntBuffer();
    const docs = LOCALES.flatMap((locale, label) =>
      corpus[locale].flatMap((s) =>
        [localeText(s), normalize(s)].map((t) => {
          buf.length = 0;
          extractFeatures(t, FEATURES, buf);
          return toSparseDoc(buf, index, label);
        }),
      ),
    );
    return new LocaleModel(index, LinearModel.train(docs, index.size, LOCALES.length, TRAINING));
  }

  detect(text: string, fallback: Locale): Locale {
    const t = localeText(text);
    // One or two words ("ok", "gracias", "no funciona", "esta roto") are shared across languages
    // too often to switch on.
    if (countWords(t) < MIN_WORDS) return fallback;
    this.hashes.length = 0;
    extractFeatures(t, FEATURES, this.hashes);
    this.index.lookup(this.hashes, this.rows);
    this.model.predict(this.rows.data, this.rows.length, this.probs);
    let best = 0;
    for (let i = 1; i < LOCALES.length; i++) if (this.probs[i]! > this.probs[best]!) best = i;
    const lead = this.probs[best]! - this.probs[LOCALES.indexOf(fallback)]!;
    return this.probs[best]! >= MIN_PROB && lead >= MIN_LEAD ? LOCALES[best]! : fallback;
  }
}

let seedModel: LocaleModel | undefined;

/**
 * Detects the language of `text` with the built-in corpus only (no catalog needed).
 * @example detectLocale('la farola del meu carrer no funciona', 'es') === 'ca'
 */
export function detectLocale(text: string, fallback: Locale): Locale {
  seedModel ??= LocaleModel.train(LOCALE_SEED);
  return seedModel.detect(text, fallback);
}

/**
 * A detector trained on the built-in corpus plus every example, name and emergency phrase of the
 * catalog, so the city's own vocabulary (street names, local services) counts as evidence.
 */
export function createLocaleDetector(catalog: Catalog): LocaleDetector {
  const corpus = Object.fromEntries(
    LOCALES.map((l) => [
      l,
      [
        ...LOCALE_SEED[l],
        ...catalog.services.flatMap((s) => [s.names[l], ...s.examples[l]]),
        ...Object.values(catalog.types).flatMap((t) => [t.names[l], ...t.examples[l]]),
        ...catalog.emergencies[l],
      ],
    ]),
  ) as Record<Locale, string[]>;
  const model = LocaleModel.train(corpus);
  return (text, fallback) => model.detect(text, fallback);
}
