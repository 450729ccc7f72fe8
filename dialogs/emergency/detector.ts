import { normalize } from '../classify/normalize';
import { eachClause } from './clauses';
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
  /**
   * Words (normalized) to match against the lexicon at build time rather than on first sight: the
   * catalog's words, which citizens reuse, so the first messages of a process are as fast as the rest.
   */
  prime?: Iterable<string>;
}

/**
 * A term: the ids of the lexicon words it needs (-1: any word), and which of them is its anchor (its
 * longest word, the rarest: terms are looked up by it, so "a" or "de" never start a search).
 */
interface Term { concept: number; parts: Int32Array; anchor: number }
/** Spans of one concept in a clause, as flat [start, end, start, end…]. */
type Spans = number[];
interface CompiledSignal { kind: EmergencyKind; all: number[]; none: number[]; window: number; reach: number; ordered: boolean }
/** What a distinct message word matches: its lexicon word ids, and whether any is a signal's trigger. */
interface WordInfo { ids: Int32Array; trigger: boolean }

// Below this length a typo is too likely to make another real word ("gas"/"gps", "fuego"/"juego").
const MIN_FUZZY = 6;
// Gaps (words) allowed between a negation or "if" and the danger it turns off.
const NEGATION_GAP = 2;
const HYPOTHETICAL_GAP = 3;
const DEFAULT_WINDOW = 6;
const NONE_REACH = 4;
// Distinct message words whose matches are remembered (a bounded cache, cleared when full).
const WORD_CACHE = 50_000;
const NO_IDS = new Int32Array(0);

/**
 * Recognises emergencies by meaning: concepts (danger, people, places, weapons…) from a lexicon, seen
 * together in one clause, with negation ("no hay heridos"), conditions ("qué hago si huele a gas"),
 * the past or a habit ("hace un mes", "todas las noches") and figures of speech ("me muero de risa")
 * taken into account. Typos and missing accents are tolerated (see fold.ts).
 *
 * Read this before changing: it runs on every message of every conversation, so the hot path is
 * allocation-light. Each distinct message word is matched against the lexicon once and cached (with
 * whether it can start any signal: a clause with no such word leaves at once); a clause's terms are
 * found in one pass for all concepts, by their rarest word; per-clause buffers are reused.
 * @example new EmergencyDetector(DEFAULT_LEXICON).detect('hay olor a gas en mi edificio')?.kind === 'gas'
 */
export class EmergencyDetector {
  private readonly conceptIds = new Map<string, number>();
  /** Lexicon words (folded) and their ids; prefixes apart. */
  private readonly wordIds = new Map<string, number>();
  /** Prefixes by their first letter (a typo never touches the first letter: see withinOneEdit). */
  private readonly prefixes = new Map<string, Array<{ text: string; id: number }>>();
  /** Words long enough to match with a typo, by first letter and length ("f6"). */
  private readonly fuzzy = new Map<string, Array<{ text: string; id: number }>>();
  /** Each lexicon word's text, by id. */
  private readonly textOf: string[] = [];
  /** Terms by the id of their anchor word (terms of only `?` under -1); `exclude` terms apart. */
  private readonly terms = new Map<number, Term[]>();
  private readonly excludeTerms = new Map<number, Term[]>();
  private readonly signals: CompiledSignal[];
  private readonly context: boolean[];
  private readonly known = new Set<string>();
  private readonly triggers = new Set<number>();
  private readonly words = new Map<string, WordInfo>();
  /** Per-clause scratch, reused (detect is synchronous): each concept's spans, and which are non-empty. */
  private readonly spanBuf: Spans[] = [];
  private readonly liveBuf: Spans[] = [];
  private readonly touched: number[] = [];
  private readonly infoBuf: WordInfo[] = [];
  private readonly special: { negation: number; hypothetical: number; past: number; now: number; joke: number };

  constructor(lexicon: EmergencyLexicon, options: EmergencyDetectorOptions = {}) {
    const names = Object.keys(lexicon.concepts).filter((n) => n !== MODIFIERS.known);
    names.forEach((n, i) => this.conceptIds.set(n, i));
    const compiled = names.map((n) => (lexicon.concepts[n] ?? []).map((t) => this.compile(t, this.conceptIds.get(n)!)));
    compiled.forEach((terms, c) => {
      for (const term of terms) {
        const into = names[c] === MODIFIERS.exclude ? this.excludeTerms : this.terms;
        const key = term.anchor < 0 ? -1 : term.parts[term.anchor]!;
        let list = into.get(key);
        if (!list) into.set(key, (list = []));
        list.push(term);
      }
    });
    this.signals = lexicon.signals.map((s) => this.compileSignal(s));
    const id = (n: string) => this.conceptIds.get(n) ?? -1;
    this.special = { negation: id(MODIFIERS.negation), hypothetical: id(MODIFIERS.hypothetical), past: id(MODIFIERS.past), now: id(MODIFIERS.now), joke: id(MODIFIERS.joke) };
    this.context = names.map((n) => lexicon.context.includes(n));
    for (let c = 0; c < names.length; c += 1) {
      this.spanBuf.push([]);
      this.liveBuf.push([]);
    }
    this.chooseTriggers(compiled);
    for (const term of lexicon.concepts[MODIFIERS.known] ?? []) for (const w of normalize(term).split(' ')) if (w) this.known.add(foldWord(w));
    for (const w of options.vocabulary ?? []) {
      const f = foldWord(w);
      if (!this.wordIds.has(f)) this.known.add(f);
    }
    for (const w of options.prime ?? []) this.wordInfo(w);
  }

  /** Whether the text reports an emergency now; undefined for anything else. */
  detect(text: string): EmergencyFinding | undefined {
    let found: EmergencyFinding | undefined;
    eachClause(text, (words) => {
      found = this.inClause(words);
      return found !== undefined;
    });
    return found;
  }

  private compile(term: string, concept: number): Term {
    const ids: number[] = [];
    for (const raw of term.trim().split(/\s+/)) {
      if (raw === '?') {
        ids.push(-1);
        continue;
      }
      const words = normalize(raw).split(' ').filter((w) => w !== '').map(foldWord);
      // A prefix mark belongs to the raw word's last piece ("s'esfondr*" → "s", "esfondr*").
      words.forEach((w, i) => ids.push(this.idOf(w, raw.endsWith('*') && i === words.length - 1)));
    }
    let anchor = -1;
    ids.forEach((p, k) => {
      if (p >= 0 && (anchor < 0 || this.textOf[p]!.length > this.textOf[ids[anchor]!]!.length)) anchor = k;
    });
    return { concept, parts: Int32Array.from(ids), anchor };
  }

  private idOf(word: string, prefix: boolean): number {
    const key = prefix ? `${word}*` : word;
    let id = this.wordIds.get(key);
    if (id !== undefined) return id;
    id = this.textOf.length;
    this.textOf.push(word);
    this.wordIds.set(key, id);
    if (prefix) listIn(this.prefixes, word[0]!).push({ text: word, id });
    // Words long enough to match with a typo, by first letter and length ("i8" for "insendio").
    else if (word.length >= MIN_FUZZY) listIn(this.fuzzy, `${word[0]}${word.length}`).push({ text: word, id });
    return id;
  }

  private compileSignal(s: EmergencySignal): CompiledSignal {
    const ids = (names: readonly string[]) => names.map((c) => {
      const id = this.conceptIds.get(c);
      if (id === undefined || c === MODIFIERS.exclude) throw new Error(`emergency signal ${s.kind} names an unknown concept "${c}"`);
      return id;
    });
    return { kind: s.kind, all: ids(s.all), none: ids(s.none ?? []), window: s.window ?? DEFAULT_WINDOW, reach: s.window ?? NONE_REACH, ordered: s.ordered ?? false };
  }

  /**
   * The words that can start a signal: for each signal, the words of its rarest concept that is not
   * context (a term needs all its words, so one fixed word of each term is enough to look for).
   */
  private chooseTriggers(compiled: Term[][]): void {
    for (const s of this.signals) {
      const pick = [...s.all].sort((a, b) => Number(this.context[a]) - Number(this.context[b]) || compiled[a]!.length - compiled[b]!.length)[0]!;
      for (const term of compiled[pick]!) {
        if (term.anchor < 0) return this.triggers.clear(); // a term of only `?`: no pre-filter is safe
        this.triggers.add(term.parts[term.anchor]!);
      }
    }
  }

  private inClause(words: readonly string[]): EmergencyFinding | undefined {
    const n = words.length;
    const infos = this.infoBuf;
    infos.length = n;
    let anyTrigger = false;
    for (let i = 0; i < n; i += 1) {
      const info = this.wordInfo(words[i]!);
      infos[i] = info;
      if (info.trigger) anyTrigger = true;
    }
    if (!anyTrigger && this.triggers.size > 0) return undefined;
    const spans = this.spansOf(infos, this.blanked(infos));
    const { negation, hypothetical, past, now, joke } = this.special;
    // History, a habit or a joke, unless the clause also says it happens now.
    if ((has(spans, past) || has(spans, joke)) && !has(spans, now)) return undefined;
    const live = this.liveBuf;
    const negations = has(spans, negation) ? spans[negation] : undefined;
    const conditions = has(spans, hypothetical) ? spans[hypothetical] : undefined;
    for (const c of this.touched) {
      const out = live[c]!;
      out.length = 0;
      const found = spans[c]!;
      for (let k = 0; k < found.length; k += 2) {
        // Not just after a negation ("no hay heridos") or an "if" ("si huele a gas"); who and where always count.
        if (!this.context[c] && (precededBy(found[k]!, negations, NEGATION_GAP) || precededBy(found[k]!, conditions, HYPOTHETICAL_GAP))) continue;
        out.push(found[k]!, found[k + 1]!);
      }
    }
    for (const signal of this.signals) {
      const hit = fires(signal, live, spans);
      if (hit) return { kind: signal.kind, evidence: words.slice(hit[0], hit[1]).join(' ') };
    }
    return undefined;
  }

  /** Words covered by an `exclude` term ("boca de incendio" is a hydrant), or null when none. */
  private blanked(infos: readonly WordInfo[]): boolean[] | null {
    let blank: boolean[] | null = null;
    const n = infos.length;
    for (let i = 0; i < n; i += 1) {
      for (const id of infos[i]!.ids) {
        const list = this.excludeTerms.get(id);
        if (list) for (const term of list) {
          const start = i - term.anchor;
          if (!termAt(term, infos, null, start)) continue;
          blank ??= new Array<boolean>(n).fill(false);
          for (let k = 0; k < term.parts.length; k += 1) blank[start + k] = true;
        }
      }
    }
    return blank;
  }

  /** Every concept's spans in the clause (empty where it does not occur), in one pass. */
  private spansOf(infos: readonly WordInfo[], blank: boolean[] | null): Spans[] {
    const spans = this.spanBuf;
    for (const c of this.touched) {
      spans[c]!.length = 0;
      this.liveBuf[c]!.length = 0;
    }
    this.touched.length = 0;
    const anyWord = this.terms.get(-1);
    for (let i = 0; i < infos.length; i += 1) {
      if (anyWord) for (const term of anyWord) if (termAt(term, infos, blank, i)) this.add(term, i);
      for (const id of infos[i]!.ids) {
        const list = this.terms.get(id);
        if (list) for (const term of list) if (termAt(term, infos, blank, i - term.anchor)) this.add(term, i - term.anchor);
      }
    }
    return spans;
  }

  private add(term: Term, start: number): void {
    const spans = this.spanBuf[term.concept]!;
    if (spans.length === 0) this.touched.push(term.concept);
    spans.push(start, start + term.parts.length);
  }

  /** The lexicon words a message word matches (exactly, by prefix or with one typo); cached per word. */
  private wordInfo(word: string): WordInfo {
    const cached = this.words.get(word);
    if (cached) return cached;
    const token = foldWord(word);
    const ids = new Set<number>();
    const exact = this.wordIds.get(token);
    if (exact !== undefined) ids.add(exact);
    const prefixes = this.prefixes.get(token[0] ?? '');
    if (prefixes) for (const p of prefixes) if (token.startsWith(p.text)) ids.add(p.id);
    if (!this.known.has(token) && exact === undefined && !this.wordIds.has(`${token}*`)) this.addTypos(token, ids);
    const info: WordInfo = { ids: ids.size > 0 ? Int32Array.from(ids) : NO_IDS, trigger: false };
    for (const id of info.ids) if (this.triggers.has(id)) info.trigger = true;
    if (this.words.size > WORD_CACHE) this.words.clear();
    this.words.set(word, info);
    return info;
  }

  /** Lexicon words one typo away from the token (and prefixes one typo away from its start). */
  private addTypos(token: string, ids: Set<number>): void {
    const first = token[0] ?? '';
    for (let n = token.length - 1; n <= token.length + 1; n += 1) {
      const words = this.fuzzy.get(`${first}${n}`);
      if (words) for (const p of words) if (withinOneEdit(token, p.text)) ids.add(p.id);
    }
    for (const p of this.prefixes.get(first) ?? []) {
      const n = p.text.length;
      if (n < MIN_FUZZY || token.startsWith(p.text)) continue;
      if (withinOneEdit(token.slice(0, n - 1), p.text) || withinOneEdit(token.slice(0, n), p.text) || withinOneEdit(token.slice(0, n + 1), p.text)) ids.add(p.id);
    }
  }

}

function termAt(term: Term, infos: readonly WordInfo[], blank: boolean[] | null, i: number): boolean {
  const parts = term.parts;
  if (i < 0 || i + parts.length > infos.length) return false;
  for (let k = 0; k < parts.length; k += 1) {
    const p = parts[k]!;
    // A word blanked by `exclude` is matched by nothing, not even `?`.
    if (blank?.[i + k] === true || (p !== -1 && !infos[i + k]!.ids.includes(p))) return false;
  }
  return true;
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function has(spans: readonly Spans[], concept: number): boolean {
  return concept >= 0 && spans[concept]!.length > 0;
}

function precededBy(start: number, modifiers: Spans | undefined, gap: number): boolean {
  if (!modifiers) return false;
  for (let k = 0; k < modifiers.length; k += 2) {
    const end = modifiers[k + 1]!;
    if (end <= start && start - end <= gap) return true;
  }
  return false;
}

/** The span [start, end] where the signal's concepts all occur (within its window, in order…), if any. */
function fires(signal: CompiledSignal, live: readonly Spans[], spans: readonly Spans[]): [number, number] | undefined {
  const all = signal.all;
  for (const c of all) if (live[c]!.length === 0) return undefined;
  // A lone danger term is blocked only close by ("un perro atropellado"), not by a dog further on,
  // unless the signal sets its own window ("treu fum de la cuina… olor de fregit").
  const reach = all.length > 1 ? signal.window : signal.reach;
  const a = live[all[0]!]!;
  const b = all.length > 1 ? live[all[1]!]! : null;
  const c = all.length > 2 ? live[all[2]!]! : null;
  if (all.length > 3) throw new Error(`emergency signal ${signal.kind}: at most three concepts`);
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < (b ? b.length : 1); j += 2) {
      for (let k = 0; k < (c ? c.length : 1); k += 2) {
        let start = a[i]!;
        let end = a[i + 1]!;
        if (b) {
          if (signal.ordered && b[j]! < end) continue;
          start = Math.min(start, b[j]!);
          end = Math.max(end, b[j + 1]!);
        }
        if (c) {
          if (signal.ordered && c[k]! < b![j + 1]!) continue;
          start = Math.min(start, c[k]!);
          end = Math.max(end, c[k + 1]!);
        }
        if (b && end - start - 1 > signal.window) continue;
        if (blocked(signal.none, spans, start - reach, end + reach)) continue;
        return [start, end];
      }
    }
  }
  return undefined;
}

function blocked(none: readonly number[], spans: readonly Spans[], from: number, to: number): boolean {
  for (const c of none) {
    const s = spans[c]!;
    for (let k = 0; k < s.length; k += 2) if (s[k + 1]! >= from && s[k]! <= to) return true;
  }
  return false;
}
