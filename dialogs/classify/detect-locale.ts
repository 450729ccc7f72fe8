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
import { LOCALES, type Catalog, type Locale } from '../../catalog/schema';
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

// What says nothing about a language: ticket references ("alu 2026 1", "ALU-2026-000001", "ALU 1/2026"),
// links, e-mails, anything with a digit (house numbers, phones, dates), and places and names, which keep
// their own language whatever the citizen speaks ("Carrer de Balmes", "Plaza Mayor", "Main Street", "Jordi").
const REFERENCES = /(?<![\p{L}\d])\p{L}{3}[\s._#-]*(?:20\d{2}[\s._#-]*\d{1,6}|\d{1,6}\s*\/\s*20\d{2})(?!\d)/giu;
const LINKS = /\b(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+/giu;
const STREET_WORDS = ['c/', 'calle', 'carrer', 'avenida', 'avda', 'avinguda', 'av', 'plaza', 'pza', 'plaça', 'placa', 'paseo', 'passeig', 'pg', 'camino', 'camí', 'cami', 'ronda', 'travesía', 'travesia', 'travessera', 'rambla', 'vía', 'via', 'carretera', 'ctra', 'street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'square'];
// The street word in any case ("Calle", "calle"), then the capitalised words and numbers of its name.
const anyCase = (w: string) => [...w].map((c) => (c.toLowerCase() === c.toUpperCase() ? `\\${c}` : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');
const STREET = new RegExp(
  `(?<![\\p{L}])(?:${STREET_WORDS.map(anyCase).join('|')})(?![\\p{L}])\\.?(?:\\s+(?:de la|de les|de los|de las|del|dels|de|d'|la|el|les|los|las|of|the)(?=\\s))?(?:\\s+(?:\\p{Lu}[\\p{L}'·.-]*|\\d+\\S*))*`,
  'gu',
);
// A capitalised word after another word, not after a full stop: a name ("soy Marta", "frente al Mercado").
const NAMES = /(?<=[\p{L}\d,;:]\s+)\p{Lu}[\p{L}'·-]*/gu;
const WITH_DIGITS = /\S*\d\S*/gu;

/**
 * The words of `text` that say which language it is in: references, numbers, links, addresses and
 * names taken out. What is left decides a conversation's language, so "alu 2026 1", "Colón 12" or
 * "Marta" never switch it.
 * @example languageEvidence('vull saber com va ALU-2026-000001 del carrer Major 3') === 'vull saber com va del'
 */
export function languageEvidence(text: string): string {
  return text
    .replace(REFERENCES, ' ')
    .replace(LINKS, ' ')
    .replace(STREET, ' ')
    .replace(NAMES, ' ')
    .replace(WITH_DIGITS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words of two or more letters in `text` (emoji, punctuation and single letters do not count). */
export function evidenceWords(text: string): number {
  return (text.match(/\p{L}{2,}/gu) ?? []).length;
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
