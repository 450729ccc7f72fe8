/**
 * What an agent typed in the console's search box, turned into safe queries for each index.
 *
 * Agents type free text; FTS5 and tsquery both have a syntax of their own (quotes, `*`, `OR`, `NEAR`,
 * `:`, `&`, `!`, parentheses), and a stray character either errors or changes the query. So the text is
 * cut into words, every word into its letters-and-digits parts (where the indexes split it too), and only
 * those parts reach the query, each quoted: nothing the agent types is ever read as FTS syntax.
 * Words are ANDed; the parts of one word form a phrase ("col·lecció" → col, leccio, adjacent); the last
 * word is matched as a prefix when it has at least PREFIX_MIN letters (a one-letter prefix would expand
 * to most of the index).
 */
export interface SearchQuery {
  /** Each word of the query as its parts (NFC, as typed: the indexes fold case and accents). */
  words: string[][];
  /** The FTS5 MATCH expression; absent when the text has no letters or digits. */
  fts5?: string;
  /** The tsquery text, to be folded like the index (search-migration.ts `foldedTsquery`). */
  tsquery?: string;
  /** The digits of a phone number (6 to 15 of them, `+`, spaces, dots, dashes and brackets allowed). */
  phoneDigits?: string;
  /** A lower-case e-mail address. */
  email?: string;
  /** A ticket reference or its beginning, upper case: `ALU-2026-0001`. */
  referencePrefix?: string;
}

/** Longest query text accepted (the route refuses longer). */
export const MAX_QUERY_LENGTH = 200;
const MAX_WORDS = 8;
const PREFIX_MIN = 3;

const PART_SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u;
const PHONE = /^\+?[\d\s().-]{6,24}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REFERENCE = /^[a-z]{3}-\d{4}(-\d{0,6})?$/i;

export function parseSearchQuery(text: string): SearchQuery {
  const trimmed = text.normalize('NFC').trim();
  const words = trimmed.split(/\s+/)
    .map((w) => w.split(PART_SEPARATOR).filter(Boolean))
    .filter((parts) => parts.length > 0)
    .slice(0, MAX_WORDS);
  const digits = PHONE.test(trimmed) ? trimmed.replace(/\D/g, '') : '';
  return {
    words,
    ...(words.length ? { fts5: fts5Of(words), tsquery: tsqueryOf(words) } : {}),
    ...(digits.length >= 6 && digits.length <= 15 ? { phoneDigits: digits } : {}),
    ...(EMAIL.test(trimmed) ? { email: trimmed.toLowerCase() } : {}),
    ...(REFERENCE.test(trimmed) ? { referencePrefix: trimmed.toUpperCase() } : {}),
  };
}

const prefixed = (words: string[][], i: number) => i === words.length - 1 && (words[i]!.at(-1)?.length ?? 0) >= PREFIX_MIN;

/** `"farola" "col leccio"*`: each word a quoted phrase (parts hold no quote), ANDed by juxtaposition. */
function fts5Of(words: string[][]): string {
  return words.map((parts, i) => `"${parts.join(' ')}"${prefixed(words, i) ? '*' : ''}`).join(' ');
}

/** `'farola' & ('col' <1> 'leccio':*)`: each part a quoted lexeme (parts hold no quote or backslash). */
function tsqueryOf(words: string[][]): string {
  return words.map((parts, i) => {
    const lexemes = parts.map((p) => `'${p}'`);
    if (prefixed(words, i)) lexemes[lexemes.length - 1] += ':*';
    // `<1>`, not its synonym `<->`: the fold turns '-' into a space, and the query is folded whole.
    return lexemes.length > 1 ? `(${lexemes.join(' <1> ')})` : lexemes[0];
  }).join(' & ');
}

/** How the indexes compare letters: no accents, lower case (unicode61 remove_diacritics, the PostgreSQL fold). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The part of a transcript line around the first word of the query, about `width` characters, with
 * `…` where it was cut. Computed here rather than with FTS5 snippet() or ts_headline so both databases
 * answer the same (and ts_headline re-parses every line it is given).
 */
export function snippetOf(line: string, words: string[][], width = 160): string {
  const folded = [...line].map((ch) => foldForSearch(ch));
  const flat = folded.join('');
  // Offsets in `flat` back to characters of `line` (folding may drop or add code units).
  const starts: number[] = [];
  let offset = 0;
  for (const f of folded) { starts.push(offset); offset += f.length; }
  const chars = [...line];
  if (chars.length <= width) return line;
  let hit = -1;
  for (const parts of words) {
    const at = flat.indexOf(foldForSearch(parts[0]!));
    if (at >= 0 && (hit < 0 || at < hit)) hit = at;
  }
  const center = hit < 0 ? 0 : Math.max(0, starts.findIndex((s) => s >= hit));
  const from = Math.max(0, Math.min(center - Math.floor(width / 3), chars.length - width));
  const to = Math.min(chars.length, from + width);
  return `${from > 0 ? '…' : ''}${chars.slice(from, to).join('').trim()}${to < chars.length ? '…' : ''}`;
}
