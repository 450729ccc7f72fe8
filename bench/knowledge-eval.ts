/**
 * `npm run eval:knowledge`: how well the knowledge base answers the labelled questions of
 * tests/fixtures/knowledge/questions.jsonl, per language and split: right article first (top-1),
 * among the first three (top-3), answered right (top-1 and above the threshold), and the
 * "I don't know" precision and recall on questions the base does not cover.
 *
 *   npm run eval:knowledge                  # dev and test splits, with the shipped threshold
 *   npm run eval:knowledge -- --misses      # also list the questions that went wrong (dev only)
 *   npm run eval:knowledge -- --calibrate   # search the threshold on the dev split (never on test)
 */
import { LOCALES } from '../catalog/schema';
import { isRelevant, KnowledgeBase, type KnowledgeHit, type RelevanceThreshold } from '../dialogs/knowledge/knowledge-base';
import { findIn } from '../dialogs/knowledge/knowledge-answerer';
import { loadKnowledge } from '../dialogs/knowledge/load-knowledge';
import { readQuestions, score, type Question } from './knowledge-metrics';

const args = new Set(process.argv.slice(2));
const articles = loadKnowledge('config/knowledge');
const built = performance.now();
const kb = new KnowledgeBase(articles);
const buildMs = performance.now() - built;
const questions = readQuestions();
const pct = (x: number) => x.toFixed(3);

if (args.has('--calibrate')) calibrate(questions.filter((q) => q.split === 'dev'));

console.log(`knowledge base: ${kb.size('es')} es, ${kb.size('ca')} ca, ${kb.size('en')} en articles; threshold ${JSON.stringify(kb.threshold)}`);
console.log('split lang  questions covered uncovered  top1   top3   answered  idkP   idkR');
for (const split of ['dev', 'test'] as const) {
  for (const lang of [...LOCALES, 'all'] as const) {
    const set = questions.filter((q) => q.split === split && (lang === 'all' || q.lang === lang));
    const s = score(kb, set);
    console.log(
      `${split.padEnd(5)} ${lang.padEnd(4)}  ${String(s.questions).padStart(9)} ${String(s.covered).padStart(7)} ${String(s.uncovered).padStart(9)}  ${pct(s.top1)}  ${pct(s.top3)}  ${pct(s.answeredRight)}     ${pct(s.idkPrecision)}  ${pct(s.idkRecall)}`,
    );
  }
}
// As the bot answers: a question the conversation's language does not answer is looked up in the others.
for (const split of ['dev', 'test'] as const) {
  const set = questions.filter((q) => q.split === split);
  let right = 0, covered = 0, idk = 0, idkRight = 0, uncovered = 0;
  for (const q of set) {
    const found = findIn(kb, q.question, q.lang);
    if (!found) idk += 1;
    if (q.slug === null) {
      uncovered += 1;
      if (!found) idkRight += 1;
    } else {
      covered += 1;
      if (found?.best.slug === q.slug) right += 1;
    }
  }
  console.log(`${split.padEnd(5)} all with the other-language fallback: answered ${pct(right / covered)}  idkP ${pct(idkRight / idk)}  idkR ${pct(idkRight / uncovered)}`);
}

// Speed, printed only (never asserted): every question of the set, several rounds.
const rounds = 20;
const started = performance.now();
for (let i = 0; i < rounds; i += 1) for (const q of questions) kb.search(q.question, q.lang, 3);
const perSecond = (rounds * questions.length) / ((performance.now() - started) / 1_000);
console.log(`index built in ${buildMs.toFixed(0)} ms; ${perSecond.toFixed(0)} questions/s searched (one core)`);

if (args.has('--misses')) {
  for (const m of score(kb, questions.filter((q) => q.split === 'dev')).misses) {
    console.log(`miss ${m.id} "${m.question}" expected=${m.expected} got=${m.got} ranked=${m.ranked.join(',')}`);
  }
}

/**
 * Grid search on the dev split: the threshold with the most right decisions (right article answered,
 * or "I don't know" on an uncovered question) among those keeping IDK precision at 0.85 or more.
 */
function calibrate(dev: Question[]): void {
  let best: { t: RelevanceThreshold; right: number } | undefined;
  // Searches are cached per question: only the decision changes with the threshold.
  const cached = dev.map((q) => ({ q, best: kb.search(q.question, q.lang, 3).hits[0] }));
  for (let minScore = 0; minScore <= 60; minScore += 5) {
    for (let c = 0; c <= 10; c += 1) {
      for (let minScoreCovered = 0; minScoreCovered <= minScore; minScoreCovered += 5) {
      const t = { minScore, minCoverage: c / 20, minScoreCovered };
      const s = decide(cached, t);
      if (s.idkPrecision < 0.85) continue;
      const right = s.answeredRight * s.covered + s.idkRecall * s.uncovered;
      if (!best || right > best.right) best = { t, right };
      }
    }
  }
  console.log(`calibrated on ${dev.length} dev questions: ${JSON.stringify(best?.t)} (${best?.right.toFixed(0)} right decisions)`);
}

/** The decisions of a threshold over cached searches (what `score` does, without searching again). */
function decide(cached: Array<{ q: Question; best: KnowledgeHit | undefined }>, t: RelevanceThreshold) {
  let covered = 0, uncovered = 0, answeredRight = 0, idk = 0, idkRight = 0;
  for (const { q, best } of cached) {
    const answer = best && isRelevant(best, t) ? best : undefined;
    if (!answer) idk += 1;
    if (q.slug === null) {
      uncovered += 1;
      if (!answer) idkRight += 1;
    } else {
      covered += 1;
      if (answer?.slug === q.slug) answeredRight += 1;
    }
  }
  return { covered, uncovered, answeredRight: answeredRight / covered, idkRecall: idkRight / uncovered, idkPrecision: idk === 0 ? 1 : idkRight / idk };
}
