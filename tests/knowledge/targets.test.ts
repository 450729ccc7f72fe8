import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../catalog/schema';
import { KnowledgeBase } from '../../dialogs/knowledge/knowledge-base';
import { loadKnowledge } from '../../dialogs/knowledge/load-knowledge';
import { readQuestions, score } from '../../bench/knowledge-metrics';

// The figures `npm run eval:knowledge` prints, held as targets (issue 13 part 6) on the test split:
// the threshold was calibrated on the dev split only.
const base = new KnowledgeBase(loadKnowledge('config/knowledge'));
const questions = readQuestions();
const test = questions.filter((q) => q.split === 'test');

describe('the labelled question set', () => {
  it('has at least 200 questions in es, ca and en, 40 of them not covered by the base, split dev/test', () => {
    expect(questions.length).toBeGreaterThanOrEqual(200);
    expect(questions.filter((q) => q.slug === null).length).toBeGreaterThanOrEqual(40);
    for (const lang of LOCALES) expect(test.filter((q) => q.lang === lang).length).toBeGreaterThan(30);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
  });

  it('names only articles that exist in the question\'s language', () => {
    for (const q of questions) if (q.slug) expect({ id: q.id, found: base.article(q.lang, q.slug) !== undefined }).toEqual({ id: q.id, found: true });
  });
});

describe('answers on the test split', () => {
  it('puts the right article first for at least 85% of covered questions in every language', () => {
    for (const lang of LOCALES) {
      const s = score(base, test.filter((q) => q.lang === lang));
      expect({ lang, top1: s.top1 >= 0.85 }).toEqual({ lang, top1: true });
    }
  });

  it('says "I don\'t know" with a precision of at least 0.80, in all and in every language', () => {
    expect(score(base, test).idkPrecision).toBeGreaterThanOrEqual(0.8);
    for (const lang of LOCALES) {
      const s = score(base, test.filter((q) => q.lang === lang));
      expect({ lang, idkPrecision: s.idkPrecision >= 0.8 }).toEqual({ lang, idkPrecision: true });
    }
  });

  it('answers most questions the base covers, and says "I don\'t know" to most it does not', () => {
    const s = score(base, test);
    expect(s.answeredRight).toBeGreaterThanOrEqual(0.85);
    expect(s.idkRecall).toBeGreaterThanOrEqual(0.8);
  });
});
