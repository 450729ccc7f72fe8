import MiniSearch from 'minisearch';
import { LOCALES, type Locale } from '../../catalog/schema';
import type { Article, Passage } from './article';
import { headingCued } from './section-cues';
import { fold, isStopword, stem, terms, withSynonyms } from './text';

/** A passage found for a question, with the article it belongs to. */
export interface KnowledgeHit {
  passage: Passage;
  slug: string;
  title: string;
  source: string;
  /** BM25 score of the passage (higher is better; not comparable across bases). */
  score: number;
  /** Share of the question's topic words the passage matched (0..1). */
  coverage: number;
}

/** What the base found: the best passage per article, best first; `answer` is set when it is relevant enough. */
export interface KnowledgeResult {
  hits: KnowledgeHit[];
  /** The passage to answer with; absent means "I don't know". */
  answer?: KnowledgeHit;
}

/**
 * When a hit is relevant enough to answer with. Calibrated on the dev split of
 * tests/fixtures/knowledge/questions.jsonl (`npm run eval:knowledge -- --calibrate`), never on the test split.
 */
export interface RelevanceThreshold {
  /** Minimum BM25 score of the best passage. */
  minScore: number;
  /** Minimum share of the question's topic words the best passage matched. */
  minCoverage: number;
  /**
   * The minimum score when the passage matched (nearly) every topic word of the question: a short
   * question ("¿qué es el ICIO?") scores low in BM25 although it is perfectly clear.
   */
  minScoreCovered: number;
}

/** Share of topic words from which a question counts as fully matched. */
const FULLY_COVERED = 0.9;

/** Whether a hit is relevant enough to answer with. */
export function isRelevant(hit: Pick<KnowledgeHit, 'score' | 'coverage'>, t: RelevanceThreshold): boolean {
  if (hit.coverage < t.minCoverage) return false;
  return hit.score >= (hit.coverage >= FULLY_COVERED ? Math.min(t.minScore, t.minScoreCovered) : t.minScore);
}

/** @defaultValue see {@link RelevanceThreshold}; from the dev split calibration. */
export const DEFAULT_THRESHOLD: RelevanceThreshold = { minScore: 40, minCoverage: 0.3, minScoreCovered: 10 };

export interface KnowledgeBaseOptions {
  threshold?: RelevanceThreshold;
}

interface PassageDoc {
  id: string;
  slug: string;
  title: string;
  keywords: string;
  heading: string;
  text: string;
  /** The whole article, at a low weight: a section about "dónde" still belongs to an article about the padrón. */
  article: string;
}

const MAX_QUESTION_CHARS = 600;

// Field weights: the city's own keywords and titles say what an article is about better than its prose.
const BOOST = { keywords: 3, title: 2, heading: 1.5, text: 1, article: 0.4 } as const;

/**
 * The city's articles indexed for questions, one BM25 index (MiniSearch) per language.
 * Immutable: a reload builds a new base and swaps it in (see LiveKnowledge).
 *
 * @example
 * const kb = new KnowledgeBase(loadKnowledge('config/knowledge'));
 * kb.search('horario oac', 'es').answer?.source // 'https://www.ciudadejemplo.es/…'
 */
export class KnowledgeBase {
  private readonly indexes = new Map<Locale, MiniSearch<PassageDoc>>();
  private readonly articles = new Map<string, Article>();
  /** Per language: in how many passages each term occurs, and the number of passages. */
  private readonly frequencies = new Map<Locale, { df: Map<string, number>; n: number }>();
  readonly threshold: RelevanceThreshold;

  constructor(articles: readonly Article[], options: KnowledgeBaseOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    for (const locale of LOCALES) {
      const index = newIndex(locale);
      const docs = articles.filter((a) => a.locale === locale).flatMap(docsOf);
      index.addAll(docs);
      this.indexes.set(locale, index);
      this.frequencies.set(locale, frequenciesOf(locale, docs));
    }
    for (const a of articles) this.articles.set(`${a.locale}/${a.slug}`, a);
  }

  /** Number of articles in a language (all languages when omitted). */
  size(locale?: Locale): number {
    return locale ? [...this.articles.values()].filter((a) => a.locale === locale).length : this.articles.size;
  }

  /** An article by language and slug. */
  article(locale: Locale, slug: string): Article | undefined {
    return this.articles.get(`${locale}/${slug}`);
  }

  /**
   * The best passages for a question in `locale`, one per article, best first (at most `limit`),
   * and the one to answer with when it passes the relevance threshold.
   */
  search(text: string, locale: Locale, limit = 3): KnowledgeResult {
    // A question is a sentence or two; a 4,000-character story would cost ~60 ms of fuzzy matching for nothing.
    const question = text.slice(0, MAX_QUESTION_CHARS);
    const index = this.indexes.get(locale)!;
    const asked = new Set(terms(locale, question));
    if (asked.size === 0) return { hits: [] };
    const weight = this.weigher(locale);
    const total = [...asked].reduce((sum, term) => sum + weight(term), 0);
    const hits: KnowledgeHit[] = [];
    const seen = new Set<string>();
    for (const r of index.search(question)) {
      const slug = r['slug'] as string;
      if (seen.has(slug)) continue;
      seen.add(slug);
      const article = this.articles.get(`${locale}/${slug}`)!;
      // The best article's section is chosen again (see bestPassage); the others keep their best match.
      const passage = (hits.length === 0 ? bestPassage(index, question, article) : undefined) ?? article.passages.find((p) => p.id === r.id)!;
      const coverage = [...new Set(r.queryTerms)].reduce((sum, term) => sum + weight(term), 0) / total;
      hits.push({ passage, slug, title: article.title, source: article.source, score: r.score, coverage: Math.min(1, coverage) });
      if (hits.length >= limit) break;
    }
    const best = hits[0];
    return best && isRelevant(best, this.threshold) ? { hits, answer: best } : { hits };
  }

  /**
   * How much a question's word says about its topic: its inverse document frequency. A word no article
   * has ("Mercadona") weighs the most, so a question about something else is not answered because its
   * common words ("¿a qué hora abre…?") matched.
   */
  private weigher(locale: Locale): (term: string) => number {
    const { df, n } = this.frequencies.get(locale)!;
    return (term) => Math.log(1 + n / ((df.get(term) ?? 0) + 0.5));
  }
}

/**
 * The passage of an article that answers the question: searched again on the sections' own headings
 * and text only. The article-wide fields (title, keywords, whole text) chose the article but are the
 * same for all its passages, so they would let the generic intro win over the "Horario" section.
 */
function bestPassage(index: MiniSearch<PassageDoc>, question: string, article: Article): Passage | undefined {
  const found = index.search(question, { fields: ['heading', 'text'], boost: { heading: 3, text: 1 }, filter: (r) => r['slug'] === article.slug });
  const scores = new Map(found.map((r) => [r.id as string, r.score]));
  const top = Math.max(1, ...scores.values());
  let best: { passage: Passage; score: number } | undefined;
  for (const passage of article.passages) {
    // A section of the kind asked for ("Horario" for "¿a qué hora…?") outranks word overlap alone.
    const score = (scores.get(passage.id) ?? 0) + (headingCued(question, passage.heading) ? top : 0);
    if (score > 0 && (!best || score > best.score)) best = { passage, score };
  }
  return best?.passage;
}

function frequenciesOf(locale: Locale, docs: readonly PassageDoc[]): { df: Map<string, number>; n: number } {
  const df = new Map<string, number>();
  for (const d of docs) {
    const words = new Set(terms(locale, `${d.keywords} ${d.title} ${d.heading} ${d.text}`).flatMap((t) => withSynonyms(locale, t)));
    for (const term of words) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return { df, n: docs.length };
}

function docsOf(a: Article): PassageDoc[] {
  const whole = a.passages.map((p) => `${p.heading}\n${p.text}`).join('\n');
  return a.passages.map((p) => ({ id: p.id, slug: a.slug, title: a.title, keywords: a.keywords.join(' \n '), heading: p.heading === a.title ? '' : p.heading, text: p.text, article: whole }));
}

function newIndex(locale: Locale): MiniSearch<PassageDoc> {
  return new MiniSearch<PassageDoc>({
    fields: ['keywords', 'title', 'heading', 'text', 'article'],
    storeFields: ['slug'],
    tokenize: (text) => fold(text).split(' '),
    // Articles are indexed with the synonyms of their words; a question is searched with its own words.
    processTerm: (word) => (word.length < 2 && !/\d/.test(word)) || isStopword(locale, word) ? null : [...withSynonyms(locale, stem(locale, word))],
    searchOptions: {
      processTerm: (word) => (word.length < 2 && !/\d/.test(word)) || isStopword(locale, word) ? null : stem(locale, word),
      boost: BOOST,
      combineWith: 'OR',
      // Typos: one edit in words of five letters or more; "empadr" finds "empadron…".
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      prefix: (term) => term.length >= 4,
      weights: { fuzzy: 0.5, prefix: 0.4 },
    },
  });
}
