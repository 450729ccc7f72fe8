import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LocaleSchema, type Locale } from '../catalog/schema';
import { isRelevant, type KnowledgeBase, type RelevanceThreshold } from '../dialogs/knowledge/knowledge-base';

/** One labelled question: the article that answers it, or null when the base does not cover it. */
export const QuestionSchema = z.object({
  id: z.string(),
  lang: LocaleSchema,
  question: z.string().min(1),
  slug: z.string().nullable(),
  split: z.enum(['dev', 'test']),
});
export type Question = z.infer<typeof QuestionSchema>;

export const QUESTIONS_FILE = 'tests/fixtures/knowledge/questions.jsonl';

export function readQuestions(path = QUESTIONS_FILE): Question[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const r = QuestionSchema.safeParse(JSON.parse(line));
      if (!r.success) throw new Error(`${path}:${i + 1}: ${z.prettifyError(r.error)}`);
      return r.data;
    });
}

/** The figures of one language (or all) on one split. */
export interface KnowledgeScores {
  questions: number;
  covered: number;
  uncovered: number;
  /** Covered questions whose best-ranked article is the right one. */
  top1: number;
  /** Covered questions with the right article among the first three. */
  top3: number;
  /** Covered questions answered (above the threshold) with the right article. */
  answeredRight: number;
  /** Of the "I don't know" decisions, the share on questions the base does not cover. */
  idkPrecision: number;
  /** Of the questions the base does not cover, the share that got "I don't know". */
  idkRecall: number;
  /** The questions that went wrong, for reading. */
  misses: Array<{ id: string; question: string; expected: string | null; got: string | null; ranked: string[] }>;
}

/** Scores `questions` against the base (with its own threshold, or `threshold` when given). */
export function score(kb: KnowledgeBase, questions: readonly Question[], threshold?: RelevanceThreshold): KnowledgeScores {
  let covered = 0, top1 = 0, top3 = 0, answeredRight = 0, idk = 0, idkRight = 0, uncovered = 0;
  const misses: KnowledgeScores['misses'] = [];
  for (const q of questions) {
    const result = kb.search(q.question, q.lang as Locale, 3);
    const ranked = result.hits.map((h) => h.slug);
    const best = result.hits[0];
    const t = threshold ?? kb.threshold;
    const answer = best && isRelevant(best, t) ? best : undefined;
    if (!answer) idk += 1;
    if (q.slug === null) {
      uncovered += 1;
      if (!answer) idkRight += 1;
      else misses.push({ id: q.id, question: q.question, expected: null, got: answer.slug, ranked });
      continue;
    }
    covered += 1;
    if (ranked[0] === q.slug) top1 += 1;
    if (ranked.includes(q.slug)) top3 += 1;
    if (answer?.slug === q.slug) answeredRight += 1;
    else misses.push({ id: q.id, question: q.question, expected: q.slug, got: answer?.slug ?? null, ranked });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    questions: questions.length, covered, uncovered,
    top1: ratio(top1, covered), top3: ratio(top3, covered), answeredRight: ratio(answeredRight, covered),
    idkPrecision: ratio(idkRight, idk), idkRecall: ratio(idkRight, uncovered),
    misses,
  };
}
