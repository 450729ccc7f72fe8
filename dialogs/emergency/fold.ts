import { normalize } from '../classify/normalize';

/**
 * Spelling folding for the emergency detector: citizens in a hurry write "insendio", "umo", "yamas",
 * "vomberos", "ke". After `normalize` (lowercase, no accents, no punctuation), letters that sound the
 * same in Spanish and Catalan are merged, so a lexicon word and its phonetic misspellings fold to one
 * form. Applied to both the lexicon and the message, so English words fold consistently too.
 * @example foldWord('incendio') === foldWord('insendio') // 'insendio'
 */
export function foldWord(word: string): string {
  return word
    .replace(/ph/g, 'f')
    .replace(/qu/g, 'k')
    .replace(/c([ei])/g, 's$1')
    .replace(/ch/g, 'X')
    .replace(/c/g, 'k')
    .replace(/X/g, 'ch')
    .replace(/z/g, 's')
    .replace(/v/g, 'b')
    .replace(/ll/g, 'y')
    .replace(/(^|[^cs])h/g, '$1')
    .replace(/y$/, 'i')
    // "fuegoo", "socorroo": a doubled last letter is a slip of the finger.
    .replace(/([a-z])\1$/, '$1');
}

/** The message's words, normalized and folded. */
export function foldedTokens(text: string): string[] {
  const n = normalize(text);
  return n === '' ? [] : n.split(' ').map(foldWord);
}

/**
 * Whether two words are at most one edit apart (insertion, deletion, substitution or the swap of two
 * neighbours: Damerau–Levenshtein ≤ 1) after the same first letter. Cheap: no matrix, one pass.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  // Citizens rarely mistype the first letter; real words that differ there abound ("juego"/"fuego").
  if (a.charCodeAt(0) !== b.charCodeAt(0)) return false;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  // Char by char, no slices: it runs for every new word against every candidate (detector.ts).
  if (la === lb) return sameFrom(a, i + 1, b, i + 1) || (a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2));
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** Whether a from index i and b from index j are the same to their ends. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i += 1, j += 1) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}
