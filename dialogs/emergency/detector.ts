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
type Part = { kind: 'word' | 'prefix'; text: string } | { kind: 'any' };
interface Term { parts: readonly Part[] }
interface Span { start: number; end: number }

// Below this length a typo is too likely to make another real word ("gas"/"gps", "fuego"/"juego").
const MIN_FUZZY = 6;
// Gaps (words) allowed between a negation or "if" and the danger it turns off.
const NEGATION_GAP = 2;
const HYPOTHETICAL_GAP = 3;
const DEFAULT_WINDOW = 6;
const NONE_REACH = 4;
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
 * Pure and synchronous: built once per catalog, then about a few microseconds per message.
 * @example new EmergencyDetector(DEFAULT_LEXICON).detect('hay olor a gas en mi edificio')?.kind === 'gas'
 */
export class EmergencyDetector {
  private readonly concepts = new Map<string, readonly Term[]>();
  private readonly signals: readonly EmergencySignal[];
  private readonly context: ReadonlySet<string>;
  private readonly known: ReadonlySet<string>;
  private readonly lexiconWords = new Set<string>();

  constructor(lexicon: EmergencyLexicon, options: EmergencyDetectorOptions = {}) {
    for (const [name, terms] of Object.entries(lexicon.concepts)) if (name !== MODIFIERS.known) this.concepts.set(name, terms.map((t) => this.compile(t)).filter((t) => t.parts.length > 0));
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
      return words.map((w, i) => ({ kind: raw.endsWith('*') && i === words.length - 1 ? 'prefix' : 'word', text: w }));
    });
    for (const p of parts) if (p.kind !== 'any') this.lexiconWords.add(p.text);
    return { parts };
  }

  private inClause(words: readonly string[]): EmergencyFinding | undefined {
    const tokens = this.masked(words);
    const spans = (name: string): Span[] => this.find(name, tokens);
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

  /** The clause's words with those of `exclude` terms blanked out ("boca de incendio" is a hydrant). */
  private masked(words: readonly string[]): string[] {
    const tokens = words.map(foldWord);
    for (const s of this.find(MODIFIERS.exclude, tokens)) for (let i = s.start; i < s.end; i += 1) tokens[i] = '';
    return tokens;
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
  private find(concept: string, tokens: readonly string[]): Span[] {
    const out: Span[] = [];
    for (const term of this.concepts.get(concept) ?? []) {
      for (let i = 0; i + term.parts.length <= tokens.length; i += 1) {
        if (term.parts.every((p, k) => this.matches(p, tokens[i + k]!))) out.push({ start: i, end: i + term.parts.length });
      }
    }
    return out;
  }

  private matches(part: Part, token: string): boolean {
    if (token === '') return false;
    if (part.kind === 'any') return true;
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
