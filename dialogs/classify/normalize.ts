/**
 * Text normalization shared by the offline classifier and its tests.
 *
 * Citizens write "Farolaaa apagadaaa!!", "xq no pasan??", "l'enllumenat", "niño 🐶": the classifier
 * should see one spelling for all of them. Kept to a handful of precompiled regexes because it runs
 * on every message, twice per classification.
 */

import { LRUCache } from 'lru-cache';

// Catalan "l·l" (also typed "l.l" or with the Unicode middle dot variants) is a double l.
const GEMINATE_L = /l[·.\u2022\u2027\u0387]l/g;
// Combining marks left after NFD decomposition: á→a, ñ→n, ç→c, ü→u.
const COMBINING = /[\u0300-\u036f]/g;
// Anything that is not a plain letter or digit (punctuation, apostrophes, emoji, symbols) splits words.
const NON_WORD = /[^a-z0-9]+/g;
// "holaaaa", "siiii", "nooo": the same letter three or more times is emphasis, not spelling.
const REPEATS = /([a-z])\1{2,}/g;

/**
 * Lowercases, strips accents and diacritics, turns punctuation and emoji into spaces,
 * collapses letters repeated three or more times to one, and trims.
 * @example normalize('¡¡La FAROLA no s\'encén!! 😡') === 'la farola no s encen'
 */
export function normalize(text: string): string {
  return recent.memo(text);
}

// A turn normalizes the same message several times (language, each command, emergencies, the classifier).
const recent = new LRUCache<string, string>({ max: 256, memoMethod: (text) => normalized(text) });

function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(GEMINATE_L, 'll')
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(NON_WORD, ' ')
    .replace(REPEATS, '$1')
    .trim();
}

/**
 * Words of the normalized text, in order.
 * @example tokenize('¿Qué días pasa el camión?') → ['que', 'dias', 'pasa', 'el', 'camion']
 */
export function tokenize(text: string): string[] {
  const n = normalize(text);
  return n === '' ? [] : n.split(' ');
}
