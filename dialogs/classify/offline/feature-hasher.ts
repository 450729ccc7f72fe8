/**
 * Turns normalized text into 32-bit feature hashes without building substrings.
 *
 * Why hashes: the classifier runs on every message, so word unigrams, word bigrams and character
 * n-grams are hashed straight from `charCodeAt` (FNV-1a) into a reused buffer; models then map the
 * hashes they saw in training to dense rows. Collisions among the few tens of thousands of features
 * a catalog yields are vanishingly rare in 32 bits and would only blur two features together.
 */

/** Which features to emit. Character n-grams run over the whole text padded with one space each side. */
export interface FeatureOptions {
  words: boolean;
  bigrams: boolean;
  /** Smallest character n-gram; 0 disables character n-grams. */
  minChar: number;
  maxChar: number;
}

/** A growable Int32Array (feature hashes, feature rows) reused across calls so the hot path does not allocate. */
export class IntBuffer {
  data = new Int32Array(512);
  length = 0;

  push(h: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = h;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Distinct seeds keep the word "sol" and the character trigram "sol" apart.
const WORD_SEED = 0x9e3779b1;
const BIGRAM_SEED = 0x85ebca6b;
const SPACE = 32;

/** A feature that is not derived from the text (e.g. "had a question mark"), kept apart from text hashes. */
export function markerHash(id: number): number {
  return Math.imul(id + 1, 0xc2b2ae35) ^ 0x27d4eb2f;
}

function mixWord(h: number): number {
  return Math.imul(h ^ WORD_SEED, FNV_PRIME) | 0;
}

function mixBigram(a: number, b: number): number {
  return Math.imul(Math.imul(a, 31) ^ b ^ BIGRAM_SEED, FNV_PRIME) | 0;
}

/**
 * Appends the hashes of `text` (already normalized: single spaces, trimmed) to `out`.
 * Returns the number of hashes appended.
 */
export function extractFeatures(text: string, opts: FeatureOptions, out: IntBuffer): number {
  const start = out.length;
  const len = text.length;
  if (len === 0) return 0;
  if (opts.words || opts.bigrams) emitWords(text, opts, out);
  if (opts.minChar > 0) emitCharGrams(text, opts.minChar, opts.maxChar, out);
  return out.length - start;
}

function emitWords(text: string, opts: FeatureOptions, out: IntBuffer): void {
  let h = FNV_OFFSET;
  let prev = 0;
  let hasPrev = false;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : SPACE;
    if (c !== SPACE) {
      h = Math.imul(h ^ c, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    const w = mixWord(h);
    if (opts.words) out.push(w);
    if (opts.bigrams && hasPrev) out.push(mixBigram(prev, w));
    prev = w;
    hasPrev = true;
    h = FNV_OFFSET;
    inWord = false;
  }
}

function emitCharGrams(text: string, minN: number, maxN: number, out: IntBuffer): void {
  // Virtual padding: position -1 and position len read as spaces, so "sol" yields " so" and "ol ".
  const len = text.length;
  for (let i = -1; i < len + 1; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= maxN; n++) {
      const k = i + n - 1;
      if (k > len) break;
      const c = k < 0 || k >= len ? SPACE : text.charCodeAt(k);
      h = Math.imul(h ^ c, FNV_PRIME);
      if (n >= minN) out.push(h | 0);
    }
  }
}
