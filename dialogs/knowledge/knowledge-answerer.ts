import { LOCALES, type Locale } from '../../catalog/schema';
import type { GroundedComposer } from './grounded-composer';
import { redact } from './redact-question';
import type { KnowledgeBase, KnowledgeHit } from './knowledge-base';

/** A page the answer comes from, linked under it. */
export interface KnowledgeSource {
  title: string;
  url: string;
}

/** What the bot says to a question the knowledge base answers. */
export interface KnowledgeReply {
  /** The passage itself, or the model's grounded answer (with `[n]` markers numbering `sources`). */
  text: string;
  sources: KnowledgeSource[];
  /** Slug of the best article (for logs and tests). */
  slug: string;
  /** Written by the model (true) or the passage as written in the article (false). */
  composed: boolean;
}

/**
 * The knowledge base as the dialogs see it: whether it can answer a question, and the answer.
 * Absent from the engine's deps: the bot answers no question itself (every inquiry goes to people).
 */
export interface KnowledgePort {
  /** Whether the base has a relevant answer (cheap: a search, no model call). */
  knows(question: string, locale: Locale): boolean;
  /** The answer to the question, or undefined when nothing relevant enough was found. */
  answer(question: string, locale: Locale): Promise<KnowledgeReply | undefined>;
}

export interface KnowledgeAnswererOptions {
  /** The current base (read per question, so a reload is seen at once). */
  base: () => KnowledgeBase;
  /** With an LLM configured: composes a grounded answer; without, the passage is the answer. */
  composer?: GroundedComposer;
}

// A passage is a short answer: past this, it is cut at a line end and the link gives the rest.
const MAX_PASSAGE_CHARS = 700;
// Other passages go to the model only when they score at least this share of the best one.
const RELATED_SHARE = 0.5;
const MAX_CONTEXT_PASSAGES = 6;

/** Answers questions from the knowledge base: the best passage, or a model's answer grounded in the best passages. */
export class KnowledgeAnswerer implements KnowledgePort {
  constructor(private readonly opts: KnowledgeAnswererOptions) {}

  knows(question: string, locale: Locale): boolean {
    return findIn(this.opts.base(), redact(question), locale) !== undefined;
  }

  async answer(question: string, locale: Locale): Promise<KnowledgeReply | undefined> {
    // A phone number or an e-mail in the question says nothing about its topic (and its digits would
    // count as words no article has).
    const asked = redact(question);
    const base = this.opts.base();
    const found = findIn(base, asked, locale);
    if (!found) return undefined;
    const { best, hits } = found;
    if (this.opts.composer) {
      const composed = await this.opts.composer.compose(asked, locale, contextOf(base, locale, best, hits));
      if (composed) {
        return { text: composed.text, sources: uniqueSources(composed.cited), slug: best.slug, composed: true };
      }
    }
    return { text: passageText(best), sources: [sourceOf(best)], slug: best.slug, composed: false };
  }
}

/**
 * The answer in the conversation's language. A citizen of a Catalan conversation who writes in
 * Spanish (common in a bilingual city) is found in the Spanish articles and answered with the same
 * article and section in Catalan: the languages hold the same articles under the same slugs.
 */
export function findIn(base: KnowledgeBase, question: string, locale: Locale): { best: KnowledgeHit; hits: KnowledgeHit[] } | undefined {
  const own = base.search(question, locale, 3);
  if (own.answer) return { best: own.answer, hits: own.hits };
  for (const other of LOCALES) {
    if (other === locale) continue;
    const found = base.search(question, other, 3).answer;
    const article = found && base.article(locale, found.slug);
    if (!found || !article) continue;
    const section = Number(found.passage.id.slice(found.passage.id.lastIndexOf('#') + 1));
    const best: KnowledgeHit = { ...found, passage: article.passages[section] ?? article.passages[0]!, title: article.title, source: article.source };
    return { best, hits: [best] };
  }
  return undefined;
}

/**
 * What the model may use: the best passage first, the rest of its (short) article, then the best
 * passage of other articles that scored close to it.
 */
function contextOf(base: KnowledgeBase, locale: Locale, best: KnowledgeHit, hits: readonly KnowledgeHit[]): KnowledgeHit[] {
  const rest = (base.article(locale, best.slug)?.passages ?? []).filter((p) => p.id !== best.passage.id).map((passage) => ({ ...best, passage }));
  const related = hits.filter((h) => h.slug !== best.slug && h.score >= best.score * RELATED_SHARE);
  return [best, ...rest, ...related].slice(0, MAX_CONTEXT_PASSAGES);
}

function uniqueSources(hits: readonly KnowledgeHit[]): KnowledgeSource[] {
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.source) && seen.add(h.source)).map(sourceOf);
}

function sourceOf(hit: KnowledgeHit): KnowledgeSource {
  return { title: hit.title, url: hit.source };
}

/** The passage as an answer: its heading (for a section) and its text, cut at a line end if long. */
export function passageText(hit: KnowledgeHit): string {
  const { heading, text } = hit.passage;
  const body = text.length <= MAX_PASSAGE_CHARS ? text : `${text.slice(0, text.lastIndexOf('\n', MAX_PASSAGE_CHARS)).trim() || text.slice(0, MAX_PASSAGE_CHARS)}…`;
  return heading === hit.title ? body : `${heading}\n${body}`;
}
