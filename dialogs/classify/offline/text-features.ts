/**
 * From a citizen's raw message to the feature hashes both offline heads read.
 *
 * 1. Words are cut from the raw text, keeping whether each was capitalised and whether punctuation
 *    came before it (normalize.ts folds case and accents per word afterwards).
 * 2. **Masking.** Numbers become `#num`; the name after a street word ("calle Colón 12", "carrer de
 *    la Pau", "c/ sant joan", "Main Street", "Oak Rd") becomes `#addr`; a capitalised word in the
 *    middle of a sentence that the training text never used as an ordinary word ("Colón", "Mercadona")
 *    becomes `#name`. Masked words give one placeholder feature and no character n-grams, so a proper
 *    noun cannot pull the type or the service anywhere (issue 13: "calle Colón 12" read as an inquiry).
 * 3. **Light stemming** per language (plural and gender endings, English -ing/-ed), so "farolas",
 *    "farola" and "farol" share a word feature.
 * 4. Features: word stems, stem bigrams, and character n-grams inside each (unstemmed) word, padded
 *    with a space each side — they absorb typos ("farla", "semaforo", "contenedr").
 * 5. **Lead clause.** The features of the first clause of 3+ words are added once more when other
 *    clauses follow: "sin agua desde las 10, y encima las farolas apagadas" is about water. On the
 *    labelled sets this raised service and type accuracy in every language (the type most: requests
 *    and questions are usually stated first, context after).
 */
import type { Locale } from '../../../catalog/schema';
import { normalize } from '../normalize';
import { IntBuffer } from './feature-hasher';

/** What a text contributes. Tuned by k-fold cross-validation on the catalog (bench/classify-cv.ts). */
export interface TextFeatureOptions {
  /** Smallest and largest character n-gram inside a word; minChar 0 disables them. */
  minChar: number;
  maxChar: number;
  bigrams: boolean;
  /**
   * Count the features of the first clause twice when more text follows it. Citizens lead with what
   * they want ("sin agua desde las 10, y encima la calle levantada…"); what comes after adds context
   * or a second problem and should not outvote it. @defaultValue false
   */
  leadClause?: boolean;
  /** Also a feature for the first this-many letters of each longer word (0: none). */
  prefix?: number;
}

export const MASK_NUM = '#num';
export const MASK_ADDR = '#addr';
export const MASK_NAME = '#name';

/** A word of the raw text. */
interface RawWord {
  /** normalize()d: lower case, no accents; may hold a space ("l enllumenat" → two words already split). */
  folded: string;
  capital: boolean;
  /** Punctuation that ends a clause (, . ; : ! ? parentheses, new line) came before this word. */
  clauseStart: boolean;
}

// Letters (any script), digits and in-word apostrophes/middle dots; "c/" is kept whole as a street word.
const WORD = /c\/|[\p{L}\p{N}]+(?:[·'’.][\p{L}\p{N}]+)*/gu;
const CLAUSE_BREAK = /[,.;:!?¡¿()\n\r"«»]/;
const DIGIT = /\d/;
const CAPITAL = /^\p{Lu}/u;

/** Street words followed by a name (es, ca, en), folded. */
const STREET_BEFORE = new Set([
  'calle', 'c/', 'cl', 'cll', 'c', 'avenida', 'avda', 'av', 'avd', 'avinguda', 'paseo', 'passeig', 'pg', 'plaza', 'pza', 'pl',
  'placa', 'carrer', 'cr', 'ronda', 'camino', 'cami', 'travesia', 'travessera', 'carretera', 'ctra', 'glorieta', 'rambla',
  'pasaje', 'passatge', 'callejon', 'urbanizacion', 'urb', 'barrio', 'barri', 'poligono', 'colegio', 'escuela', 'escola', 'parque', 'parc',
  // landmarks named after them: "colegio San José", "mercat de Sant Antoni", "iglesia del Carmen"
  'mercado', 'mercat', 'iglesia', 'esglesia', 'parroquia', 'ambulatorio', 'hospital', 'polideportivo', 'poliesportiu', 'estacion', 'estacio',
  'biblioteca', 'instituto', 'institut', 'ies', 'ceip', 'cementerio', 'cementiri', 'piscina', 'centro', 'centre', 'residencia', 'hotel', 'bar', 'restaurante',
]);
/** English street words that follow the name ("Main Street", "Oak Rd"). */
const STREET_AFTER = new Set([
  'street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'ln', 'drive', 'dr', 'square', 'sq', 'way', 'boulevard', 'blvd', 'close', 'crescent', 'terrace', 'park', 'grove', 'place',
  // landmarks after their name: "St Mary's church", "Oakwood School", "Central Station"
  'church', 'school', 'station', 'library', 'hospital', 'market', 'centre', 'center', 'academy', 'college', 'pub', 'hotel', 'gardens',
]);
/** Words between a street word and its name. */
const CONNECTORS = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'les', 'els', 'd', 'dels', 'en', 'na', 'sant', 'san', 'santa', 'the', 'of']);
/** Words that end a street name even without punctuation: the sentence goes on. */
const NAME_ENDS = new Set([
  'hay', 'y', 'e', 'i', 'o', 'u', 'que', 'no', 'esta', 'estan', 'es', 'son', 'desde', 'con', 'frente', 'cerca', 'al', 'a', 'por', 'para', 'se', 'ha', 'han',
  'hi', 'ja', 'fa', 'hace', 'lleva', 'llevan', 'tiene', 'sigue', 'entre', 'esquina', 'cruce', 'junto', 'numero', 'num', 'n', 'nro', 'no', 'porque',
  'is', 'are', 'has', 'have', 'there', 'and', 'or', 'since', 'near', 'outside', 'by', 'at', 'on', 'in', 'for', 'with', 'which', 'that', 'but', 'pero', 'pq', 'xq',
  'amb', 'des', 'davant', 'prop', 'des', 'perque', 'mes', 'muy', 'molt', 'very', 'todo', 'tot', 'all',
]);
const MAX_NAME_WORDS = 3;

/** Words a model knows as ordinary words (folded): a capitalised one of them is not masked as a name. */
export type Vocabulary = ReadonlySet<string>;

/** The words of `text`, folded, with addresses, names and numbers masked (not stemmed). */
export function maskedWords(text: string, vocabulary: Vocabulary): string[] {
  const raw = rawWords(text);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    if (DIGIT.test(w.folded)) {
      out.push(MASK_NUM);
      continue;
    }
    if (STREET_BEFORE.has(w.folded) && (w.folded !== 'c' || raw[i + 1]?.capital)) {
      out.push(w.folded);
      i = maskNameAfter(raw, i + 1, vocabulary, out) - 1;
      continue;
    }
    if (STREET_AFTER.has(w.folded) && i > 0 && (w.capital || raw[i - 1]!.capital)) {
      // "5 Main Street": take back the capitalised or unknown words just before it.
      let k = out.length;
      let j = i - 1;
      while (j >= 0 && k > 0 && i - j <= MAX_NAME_WORDS && !raw[j + 1]!.clauseStart && isNameWord(raw[j]!, vocabulary) && out[k - 1] !== MASK_NUM && out[k - 1] !== MASK_ADDR) {
        k--;
        j--;
      }
      if (k < out.length) {
        out.length = k;
        out.push(MASK_ADDR);
      }
      out.push(w.folded);
      continue;
    }
    if (w.capital && !w.clauseStart && i > 0 && !vocabulary.has(w.folded) && !CONNECTORS.has(w.folded)) {
      out.push(MASK_NAME);
      continue;
    }
    out.push(w.folded);
  }
  return out;
}

/** Masks the street name that starts at `from`; returns the index of the first word not taken. */
function maskNameAfter(raw: RawWord[], from: number, vocabulary: Vocabulary, out: string[]): number {
  let i = from;
  let taken = 0;
  let connectors = 0;
  while (i < raw.length && !raw[i]!.clauseStart && CONNECTORS.has(raw[i]!.folded) && connectors < 3) {
    i++;
    connectors++;
  }
  while (i < raw.length && taken < MAX_NAME_WORDS) {
    const w = raw[i]!;
    if (w.clauseStart || DIGIT.test(w.folded)) break;
    if (NAME_ENDS.has(w.folded) && !w.capital) break;
    // Lower-case words the catalog uses ("calle sucia", "plaza llena de basura") stay; names go.
    if (!w.capital && vocabulary.has(w.folded) && connectors === 0) break;
    taken++;
    i++;
    // Connectors inside a name: "calle Ramón y Cajal", "carrer de Sant Pere de Ribes".
    while (i < raw.length && taken < MAX_NAME_WORDS && (raw[i]!.folded === 'de' || raw[i]!.folded === 'del' || raw[i]!.folded === 'y') && raw[i + 1]?.capital) i++;
  }
  if (taken > 0) {
    out.push(MASK_ADDR);
    return i;
  }
  return from;
}

function isNameWord(w: RawWord, vocabulary: Vocabulary): boolean {
  if (DIGIT.test(w.folded) || (NAME_ENDS.has(w.folded) && !w.capital) || CONNECTORS.has(w.folded)) return false;
  return w.capital || !vocabulary.has(w.folded);
}

function rawWords(text: string): RawWord[] {
  const out: RawWord[] = [];
  let last = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const gap = text.slice(last, m.index);
    last = m.index + m[0].length;
    const clauseStart = out.length === 0 || CLAUSE_BREAK.test(gap);
    const capital = CAPITAL.test(m[0]);
    const folded = m[0] === 'c/' || m[0] === 'C/' ? 'c/' : normalize(m[0]);
    if (folded === '') continue;
    // normalize() splits "l'enllumenat" into "l enllumenat": keep both parts.
    const parts = folded.split(' ');
    for (let p = 0; p < parts.length; p++) out.push({ folded: parts[p]!, capital: capital && p === 0, clauseStart: clauseStart && p === 0 });
  }
  return out;
}

/**
 * Light stemming: plural and gender endings (es, ca), plural and -ing/-ed (en). Stems keep at least
 * three letters; anything shorter is returned as is.
 * @example stem('farolas', 'es') === 'farol'; stem('fanals', 'ca') === 'fanal'; stem('flooding', 'en') === 'flood'
 */
export function stem(word: string, locale: Locale): string {
  if (word.length <= 3 || word.charCodeAt(0) === 35 /* # */) return word;
  let w = word;
  if (locale === 'en') {
    if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
    if (w.endsWith('ing') && w.length > 5) return w.slice(0, -3);
    if (w.endsWith('ed') && w.length > 4) return w.slice(0, -2);
    if (w.endsWith('es') && /(?:ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
    if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) w = w.slice(0, -1);
    return w;
  }
  if (w.endsWith('mente') && w.length > 7) w = w.slice(0, -5);
  if (w.endsWith('ces') && w.length > 4) return `${w.slice(0, -3)}z`;
  if (w.endsWith('s') && w.length > 3) w = w.slice(0, -1);
  const last = w.charCodeAt(w.length - 1);
  // a, e, o (and the plural "-es" left as "-e")
  if ((last === 97 || last === 101 || last === 111) && w.length > 3) w = w.slice(0, -1);
  return w;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = 0x9e3779b1;
const BIGRAM_SEED = 0x85ebca6b;
const PREFIX_SEED = 0x27d4eb2f;
const SPACE = 32;

function hashString(s: string, seed: number): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

/** Appends the feature hashes of already-masked words to `out`. */
export function hashWords(words: readonly string[], original: readonly string[], opts: TextFeatureOptions, out: IntBuffer): void {
  let prev = 0;
  for (let i = 0; i < words.length; i++) {
    const w = hashString(words[i]!, WORD_SEED);
    out.push(w);
    if (opts.bigrams && i > 0) out.push(Math.imul(Math.imul(prev, 31) ^ w ^ BIGRAM_SEED, FNV_PRIME) | 0);
    prev = w;
    const o = original[i]!;
    if (opts.minChar > 0 && o.charCodeAt(0) !== 35) charGrams(o, opts.minChar, opts.maxChar, out);
    if (opts.prefix && o.length > opts.prefix) out.push(hashString(o.slice(0, opts.prefix), PREFIX_SEED));
  }
}

function charGrams(word: string, minN: number, maxN: number, out: IntBuffer): void {
  const len = word.length;
  for (let i = -1; i < len + 1; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= maxN; n++) {
      const k = i + n - 1;
      if (k > len) break;
      const c = k < 0 || k >= len ? SPACE : word.charCodeAt(k);
      h = Math.imul(h ^ c, FNV_PRIME);
      if (n >= minN) out.push(h | 0);
    }
  }
}

/** Masked words (unstemmed, for character n-grams) and their stems (for word features). */
export function analyse(text: string, locale: Locale, vocabulary: Vocabulary): { stemmed: string[]; plain: string[] } {
  const plain = maskedWords(text, vocabulary);
  return { plain, stemmed: plain.map((w) => stem(w, locale)) };
}

// "¿…?" is the strongest hint of an inquiry and normalize() strips it, so it is a feature of its own.
const QUESTION = hashString('#question', WORD_SEED);
const QUESTION_MARKS = /[?¿]/;

/** Hashes of `text` for the model, written to `out` (cleared first). */
export function textFeatures(text: string, locale: Locale, vocabulary: Vocabulary, opts: TextFeatureOptions, out: IntBuffer): void {
  out.length = 0;
  const { stemmed, plain } = analyse(text, locale, vocabulary);
  hashWords(stemmed, plain, opts, out);
  if (opts.leadClause) hashLeadClause(text, locale, vocabulary, opts, out);
  if (QUESTION_MARKS.test(text)) out.push(QUESTION);
}

// A clause ends at punctuation; the lead counts only with 3+ words of its own and 12+ characters after it.
const LEAD_END = /[,.;:!?\n]/g;
const LEAD_MIN_WORDS = 3;
const LEAD_MIN_REST = 12;

/** Appends the hashes of the first clause of `text` again, when it is a clause and not the whole text. */
function hashLeadClause(text: string, locale: Locale, vocabulary: Vocabulary, opts: TextFeatureOptions, out: IntBuffer): void {
  let start = text.search(/[\p{L}\p{N}]/u);
  if (start < 0) return;
  for (let tries = 0; tries < 3; tries++) {
    LEAD_END.lastIndex = start;
    const end = LEAD_END.exec(text)?.index ?? -1;
    if (end < 0 || text.length - end <= LEAD_MIN_REST) return;
    const lead = analyse(text.slice(start, end), locale, vocabulary);
    if (lead.plain.length >= LEAD_MIN_WORDS) {
      hashWords(lead.stemmed, lead.plain, opts, out);
      return;
    }
    // "Hola, buenas, …": a greeting is not the lead; try the next clause
    start = end + 1;
  }
}

/**
 * Words that count as ordinary vocabulary: used in at least `minDocs` of `texts` other than
 * capitalised mid-sentence (where they would be names). A capitalised word outside it is masked.
 */
export function vocabularyOf(texts: Iterable<string>, minDocs = 2): Set<string> {
  const docs = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const w of rawWords(text)) if (!(w.capital && !w.clauseStart) && !DIGIT.test(w.folded)) seen.add(w.folded);
    for (const w of seen) docs.set(w, (docs.get(w) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const [w, n] of docs) if (n >= minDocs) out.add(w);
  return out;
}

export { IntBuffer };
