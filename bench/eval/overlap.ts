/**
 * Near-duplicate detection between the evaluation set and the catalog's training examples: an
 * evaluation that shares its sentences with the training data measures memory, not understanding.
 */
import type { Catalog } from '../../catalog/schema';

/**
 * Lowercase, accents folded, Catalan "l·l" as "ll", punctuation and whitespace collapsed to one space.
 * @example normalizeForOverlap('¡La FAROLA  no s\'encén!') === 'la farola no s encen'
 */
export function normalizeForOverlap(text: string): string {
  return text
    .toLowerCase()
    .replace(/l[·.]l/g, 'll')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Distinct words of a text after {@link normalizeForOverlap}. */
export function tokenSet(text: string): Set<string> {
  const n = normalizeForOverlap(text);
  return new Set(n === '' ? [] : n.split(' '));
}

/** |A ∩ B| / |A ∪ B| of two word sets; 1 for two empty sets. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / (a.size + b.size - common);
}

/**
 * Every text the offline classifier may train on from the catalog, in every language: each service's
 * examples and keywords, each procedure type's examples, the out-of-scope examples (the "none"
 * outcome) and the emergency phrases.
 */
export function catalogExampleTexts(catalog: Catalog): string[] {
  const all = (e: PerLocale | undefined): string[] => (e ? [...(e.es ?? []), ...(e.ca ?? []), ...(e.en ?? [])] : []);
  return [
    ...catalog.services.flatMap((s) => [...all(s.examples), ...all(s.keywords)]),
    ...Object.values(catalog.types).flatMap((t) => all(t?.examples)),
    ...all(catalog.outOfScope),
    ...all(catalog.emergencies),
  ];
}

type PerLocale = { es?: readonly string[]; ca?: readonly string[]; en?: readonly string[] };

/** A text of the set that is the same as, or too close to, a catalog example. */
export interface Overlap {
  text: string;
  example: string;
  jaccard: number;
}

/** Texts whose normalized form equals a catalog example's, or whose word Jaccard with one is at least `threshold`. */
export function findOverlaps(texts: readonly string[], examples: readonly string[], threshold = 0.8): Overlap[] {
  const ex = examples.map((e) => ({ e, norm: normalizeForOverlap(e), words: tokenSet(e) }));
  const found: Overlap[] = [];
  for (const text of texts) {
    const norm = normalizeForOverlap(text);
    const words = tokenSet(text);
    for (const x of ex) {
      const j = norm === x.norm ? 1 : jaccard(words, x.words);
      if (j >= threshold) found.push({ text, example: x.e, jaccard: j });
    }
  }
  return found;
}
