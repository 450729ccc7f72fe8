/**
 * The message's clauses as normalized words, in one pass over the text (the detector runs on every
 * turn, so no `split`/`flatMap` chains). Same words as `normalize` from classify/normalize.ts
 * (lowercase, no accents, punctuation and emoji as spaces, letters repeated 3+ times once), but the
 * sentence marks are kept as clause breaks first.
 */

// "Sí, hay fuego": a "yes" before a comma is an answer, not the "si" of a condition.
// "No, se ha caído todo" likewise: a "no" before a comma answers, it negates nothing after it.
const YES_COMMA = /(?<![\p{L}])(s[ií]|yes|no)\s*,/giu;
// "Sí" with its accent is always "yes", never the "si" of a condition ("no hay fuego pero sí humo").
const YES = /(?<![\p{L}])sí(?![\p{L}])/giu;
const GEMINATE_L = /l[·.\u2022\u2027\u0387]l/g;
const COMBINING = /[\u0300-\u036f]/g;
const NON_ASCII = /[^\x00-\x7f]/;
// Sentence marks end a clause.
const SENTENCE_MARKS = new Set([...'.!?;¿¡\n'].map((ch) => ch.charCodeAt(0)));
const REPEATS = /([a-z])\1{2,}/g;
// The turn of a story at "but" ("no hay fuego pero sí mucho humo") starts a new clause.
const TURNS = new Set(['pero', 'but', 'aunque', 'although', 'sino']);
// English contractions typed without the apostrophe ("isnt breathing") read as with it ("isn t");
// Spanish and Catalan text-message spellings read as written out.
const CONTRACTIONS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  isnt: 'isn t', cant: 'can t', wont: 'won t', dont: 'don t', doesnt: 'doesn t', arent: 'aren t', wasnt: 'wasn t', hasnt: 'hasn t',
  havent: 'haven t', didnt: 'didn t', couldnt: 'couldn t', theres: 'there s', im: 'i m', hes: 'he s', shes: 'she s', ive: 'i ve',
  sta: 'esta', stan: 'estan', toy: 'estoy', tamos: 'estamos', q: 'que', k: 'que', ke: 'que', xq: 'porque', pq: 'porque', d: 'de', x: 'por', xfa: 'por favor', tb: 'tambien', tmb: 'tambien',
}).map(([k, v]) => [k, v.split(' ')]));

/** Calls `clause` with each clause's words (the array is reused: copy it to keep it); stops when it returns true. */
export function eachClause(text: string, clause: (words: string[]) => boolean): void {
  let t = text.toLowerCase();
  if (t.includes(',') || t.includes('í')) t = t.replace(YES_COMMA, ' ').replace(YES, ' ');
  // Plain ASCII (most messages typed in a hurry) needs no accent stripping.
  if (NON_ASCII.test(t) || t.includes('l.l')) t = t.replace(GEMINATE_L, 'll').normalize('NFD').replace(COMBINING, '');
  const words: string[] = [];
  let start = -1;
  let repeated = false;
  const n = t.length;
  for (let i = 0; i <= n; i += 1) {
    const c = i < n ? t.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      else if (c >= 97 && i - start >= 2 && c === t.charCodeAt(i - 1) && c === t.charCodeAt(i - 2)) repeated = true;
      continue;
    }
    if (start >= 0) {
      let w = t.slice(start, i);
      if (repeated) w = w.replace(REPEATS, '$1');
      start = -1;
      repeated = false;
      if (TURNS.has(w) && words.length > 0) {
        if (clause(words)) return;
        words.length = 0;
      } else {
        const expanded = CONTRACTIONS.get(w);
        if (expanded) for (const e of expanded) words.push(e);
        else words.push(w);
      }
    }
    if (SENTENCE_MARKS.has(c) && words.length > 0) {
      if (clause(words)) return;
      words.length = 0;
    }
  }
  if (words.length > 0) clause(words);
}
