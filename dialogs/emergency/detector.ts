import { normalize } from '../classify/normalize';
import { foldWord, withinOneEdit } from './fold';
import { MODIFIERS, type EmergencyKind, type EmergencyLexicon, type EmergencySignal } from './lexicon';

/** What the detector found: the kind of danger and the words that showed it (for logs and agents). */
export interface EmergencyFinding {
  kind: EmergencyKind;
  /** The clause's words that made the signal, as normalized (no accents, lowercase). */
  evidence: string;
}

export interface EmergencyDetectorOptions {
  /**
   * Real words the city's texts use (the catalog's examples). A message word found here is taken as
   * spelled on purpose and never read as a typo of a danger word ("quedando" is not "quemando").
   */
  vocabulary?: Iterable<string>;
}

/** One word of a term: exact (folded), a prefix, or any word. */
type Part = { kind: 'word' | 'prefix'; text: string; key: string } | { kind: 'any' };
interface Term { parts: readonly Part[] }
interface Span { start: number; end: number }
/** A clause's words: which lexicon words each matches, and which were blanked out as `exclude`. */
interface Clause { length: number; matched: Array<ReadonlySet<string>>; blank: boolean[] }

// Below this length a typo is too likely to make another real word ("gas"/"gps", "fuego"/"juego").
const MIN_FUZZY = 6;
// Gaps (words) allowed between a negation or "if" and the danger it turns off.
const NEGATION_GAP = 2;
const HYPOTHETICAL_GAP = 3;
const DEFAULT_WINDOW = 6;
const NONE_REACH = 4;
// Distinct message words whose matches are remembered (a bounded cache, cleared when full).
const MATCH_CACHE = 20_000;
// "Sí, hay fuego": a "yes" before a comma is an answer, not the "si" of a condition.
// "No, se ha caído todo" likewise: a "no" before a comma answers, it negates nothing after it.
const YES_COMMA = /(?<![\p{L}])(s[ií]|yes|no)\s*,/giu;
// "Sí" with its accent is always "yes", never the "si" of a condition ("no hay fuego pero sí humo").
const YES = /(?<![\p{L}])sí(?![\p{L}])/giu;
// Clauses: sentences, and the turn of a story at "but" ("no hay fuego pero sí mucho humo").
const SENTENCE = /[.!?;¿¡\n]+/u;
const TURNS = new Set(['pero', 'but', 'aunque', 'although', 'mientras que', 'sino']);
// English contractions typed without the apostrophe ("isnt breathing") read as with it ("isn t").
const CONTRACTIONS: Readonly<Record<string, string>> = {
  isnt: 'isn t', cant: 'can t', wont: 'won t', dont: 'don t', doesnt: 'doesn t', arent: 'aren t', wasnt: 'wasn t', hasnt: 'hasn t',
  havent: 'haven t', didnt: 'didn t', couldnt: 'couldn t', theres: 'there s', im: 'i m', hes: 'he s', shes: 'she s', ive: 'i ve',
  // Spanish and Catalan text-message spellings.
  sta: 'esta', stan: 'estan', toy: 'estoy', tamos: 'estamos', q: 'que', k: 'que', ke: 'que', xq: 'porque', pq: 'porque', d: 'de', x: 'por', xfa: 'por favor', tb: 'tambien', tmb: 'tambien',
};

/**
 * Recognises emergencies by meaning: concepts (danger, people, places, weapons…) from a lexicon, seen
 * together in one clause, with negation ("no hay heridos"), conditions ("qué hago si huele a gas"),
 * the past or a habit ("hace un mes", "todas las noches") and figures of speech ("me muero de risa")
 * taken into account. Typos and missing accents are tolerated (see fold.ts).
 *
 * Pure and synchronous: built once per catalog (words indexed by their first word and length), then
 * about a quarter of a millisecond per message on one core (bench/emergency-speed.ts).
 * @example new EmergencyDetector(DEFAULT_LEXICON).detect('hay olor a gas en mi edificio')?.kind === 'gas'
 */
export class EmergencyDetector {
  /** Each concept's terms, by the key of their first word (terms starting with `?` under ''). */
  private readonly concepts = new Map<string, ReadonlyMap<string, readonly Term[]>>();
  private readonly signals: readonly EmergencySignal[];
  private readonly context: ReadonlySet<string>;
  private readonly known: ReadonlySet<string>;
  private readonly lexiconWords = new Set<string>();
  /** Every distinct word of the lexicon, so a message word is compared with each once per clause. */
  private readonly parts = new Map<string, Extract<Part, { text: string }>>();
  private readonly prefixes: Array<Extract<Part, { text: string }>> = [];
  /** Words long enough to match with a typo, by length. */
  private readonly wordsOfLength = new Map<number, Array<Extract<Part, { text: string }>>>();
  private readonly matchCache = new Map<string, ReadonlySet<string>>();

  constructor(lexicon: EmergencyLexicon, options: EmergencyDetectorOptions = {}) {
    for (const [name, terms] of Object.entries(lexicon.concepts)) {
      if (name === MODIFIERS.known) continue;
      const byFirst = new Map<string, Term[]>();
      for (const term of terms.map((t) => this.compile(t))) {
        const first = term.parts[0];
        if (!first) continue;
        const key = first.kind === 'any' ? '' : first.key;
        byFirst.set(key, [...(byFirst.get(key) ?? []), term]);
      }
      this.concepts.set(name, byFirst);
    }
    for (const s of lexicon.signals) {
      for (const c of [...s.all, ...(s.none ?? [])]) if (!this.concepts.has(c)) throw new Error(`emergency signal ${s.kind} names an unknown concept "${c}"`);
    }
    this.signals = lexicon.signals;
    this.context = new Set(lexicon.context);
    const known = new Set<string>();
    for (const term of lexicon.concepts[MODIFIERS.known] ?? []) for (const w of normalize(term).split(' ')) if (w) known.add(foldWord(w));
    for (const w of options.vocabulary ?? []) {
      const f = foldWord(w);
      if (!this.lexiconWords.has(f)) known.add(f);
    }
    this.known = known;
    for (const p of this.parts.values()) {
      if (p.kind === 'prefix') this.prefixes.push(p);
      else if (p.text.length >= MIN_FUZZY) this.wordsOfLength.set(p.text.length, [...(this.wordsOfLength.get(p.text.length) ?? []), p]);
    }
  }

  /** Whether the text reports an emergency now; undefined for anything else. */
  detect(text: string): EmergencyFinding | undefined {
    for (const clause of clausesOf(text)) {
      const found = this.inClause(clause);
      if (found) return found;
    }
    return undefined;
  }

  private compile(term: string): Term {
    const parts: Part[] = term.trim().split(/\s+/).flatMap((raw): Part[] => {
      if (raw === '?') return [{ kind: 'any' }];
      const words = normalize(raw).split(' ').filter((w) => w !== '').map(foldWord);
      // A prefix mark belongs to the raw word's last piece ("s'esfondr*" → "s", "esfondr*").
      return words.map((w, i): Part => {
        const kind = raw.endsWith('*') && i === words.length - 1 ? 'prefix' : 'word';
        return { kind, text: w, key: `${kind}:${w}` };
      });
    });
    for (const p of parts) {
      if (p.kind === 'any') continue;
      this.lexiconWords.add(p.text);
      this.parts.set(p.key, p);
    }
    return { parts };
  }

  private inClause(words: readonly string[]): EmergencyFinding | undefined {
    const tokens = this.masked(words);
    const seen = new Map<string, Span[]>();
    const spans = (name: string): Span[] => {
      let found = seen.get(name);
      if (!found) seen.set(name, (found = this.find(name, tokens)));
      return found;
    };
    const past = spans(MODIFIERS.past).length > 0 && spans(MODIFIERS.now).length === 0;
    if (past) return undefined;
    const negations = spans(MODIFIERS.negation);
    const conditions = spans(MODIFIERS.hypothetical);
    const live = (concept: string): Span[] => {
      const found = spans(concept);
      if (this.context.has(concept)) return found;
      return found.filter((s) => !precededBy(s, negations, NEGATION_GAP) && !precededBy(s, conditions, HYPOTHETICAL_GAP));
    };
    for (const signal of this.signals) {
      const hit = this.fires(signal, live, spans);
      if (hit) return { kind: signal.kind, evidence: words.slice(hit.start, hit.end).join(' ') };
    }
    return undefined;
  }

  /** The clause, indexed, with the words of `exclude` terms blanked out ("boca de incendio" is a hydrant). */
  private masked(words: readonly string[]): Clause {
    const clause = this.indexed(words.map(foldWord));
    for (const s of this.find(MODIFIERS.exclude, clause)) {
      for (let i = s.start; i < s.end; i += 1) {
        clause.matched[i] = new Set();
        clause.blank[i] = true;
      }
    }
    return clause;
  }

  /** For each word of the clause, the lexicon words it matches (exactly, by prefix or with one typo). */
  private indexed(tokens: readonly string[]): Clause {
    const matched = tokens.map((token) => this.wordsMatching(token));
    return { length: tokens.length, matched, blank: tokens.map(() => false) };
  }

  private fires(signal: EmergencySignal, live: (c: string) => Span[], spans: (c: string) => Span[]): Span | undefined {
    const window = signal.window ?? DEFAULT_WINDOW;
    const options = signal.all.map(live);
    if (options.some((o) => o.length === 0)) return undefined;
    const blockers = (signal.none ?? []).flatMap(spans);
    // A lone danger term is blocked only close by ("un perro atropellado"), not by a dog further on.
    const reach = signal.all.length > 1 ? window : NONE_REACH;
    for (const combo of combinations(options)) {
      if (signal.ordered && !inOrder(combo)) continue;
      const start = Math.min(...combo.map((s) => s.start));
      const end = Math.max(...combo.map((s) => s.end));
      if (end - start - 1 > window && combo.length > 1) continue;
      if (blockers.some((b) => b.end >= start - reach && b.start <= end + reach)) continue;
      return { start, end };
    }
    return undefined;
  }

  /** Every place a concept's term occurs in the tokens. */
  private find(concept: string, clause: Clause): Span[] {
    const out: Span[] = [];
    const at = (p: Part, i: number): boolean => (p.kind === 'any' ? !clause.blank[i] : clause.matched[i]!.has(p.key));
    const byFirst = this.concepts.get(concept);
    if (!byFirst) return out;
    for (let i = 0; i < clause.length; i += 1) {
      for (const key of ['', ...clause.matched[i]!]) {
        for (const term of byFirst.get(key) ?? []) {
          if (i + term.parts.length <= clause.length && term.parts.every((p, k) => at(p, i + k))) out.push({ start: i, end: i + term.parts.length });
        }
      }
    }
    return out;
  }

  /** Keys of the lexicon words a message word matches; cached per word (messages repeat words). */
  private wordsMatching(token: string): ReadonlySet<string> {
    const cached = this.matchCache.get(token);
    if (cached) return cached;
    const keys = new Set<string>();
    const exact = `word:${token}`;
    if (this.parts.has(exact)) keys.add(exact);
    const typoAllowed = !this.known.has(token) && !this.lexiconWords.has(token);
    for (const p of this.prefixes) if (this.matches(p, token)) keys.add(p.key);
    if (typoAllowed) {
      for (let n = token.length - 1; n <= token.length + 1; n += 1) {
        for (const p of this.wordsOfLength.get(n) ?? []) if (withinOneEdit(token, p.text)) keys.add(p.key);
      }
    }
    if (this.matchCache.size > MATCH_CACHE) this.matchCache.clear();
    this.matchCache.set(token, keys);
    return keys;
  }

  private matches(part: Extract<Part, { text: string }>, token: string): boolean {
    if (part.kind === 'word') {
      if (token === part.text) return true;
      return part.text.length >= MIN_FUZZY && !this.known.has(token) && !this.lexiconWords.has(token) && withinOneEdit(token, part.text);
    }
    if (token.startsWith(part.text)) return true;
    if (part.text.length < MIN_FUZZY || this.known.has(token) || this.lexiconWords.has(token)) return false;
    const n = part.text.length;
    return [n - 1, n, n + 1].some((k) => withinOneEdit(token.slice(0, k), part.text));
  }
}

/** The message's clauses, each as normalized words. */
function clausesOf(text: string): string[][] {
  const out: string[][] = [];
  for (const sentence of text.replace(YES_COMMA, ' ').replace(YES, ' ').split(SENTENCE)) {
    let current: string[] = [];
    for (const w of normalize(sentence).split(' ').flatMap((x) => CONTRACTIONS[x]?.split(' ') ?? [x])) {
      if (w === '') continue;
      if (TURNS.has(w) && current.length > 0) {
        out.push(current);
        current = [];
        continue;
      }
      current.push(w);
    }
    if (current.length > 0) out.push(current);
  }
  return out;
}

function precededBy(span: Span, modifiers: readonly Span[], gap: number): boolean {
  return modifiers.some((m) => m.end <= span.start && span.start - m.end <= gap);
}

function inOrder(combo: readonly Span[]): boolean {
  return combo.every((s, i) => i === 0 || combo[i - 1]!.end <= s.start);
}

/** Each way to pick one span per concept (clauses are short: the product stays small). */
function* combinations(options: readonly Span[][], i = 0, picked: Span[] = []): Generator<Span[]> {
  if (i === options.length) {
    yield picked;
    return;
  }
  for (const s of options[i]!) yield* combinations(options, i + 1, [...picked, s]);
}
