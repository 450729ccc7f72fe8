/**
 * `npm run eval`: how well the bot understands citizens, on the labelled set in tests/fixtures/eval.
 *
 *   npm run eval                 # offline classifier, as the bot builds it without an LLM
 *   npm run eval -- --llm        # as the bot builds it from the environment (LLM_PROVIDER, …)
 *   npm run eval -- --lang ca    # one language only
 *   npm run -s eval -- --json    # the same figures as one JSON object (for scripts and notes)
 *   npm run eval -- --set holdout  # the held-out set (tests/fixtures/eval-holdout): measured, never tuned on
 *
 * Per language it prints service accuracy and macro-F1, type accuracy, the "none" outcome's
 * precision and recall, a 10-bin calibration table with its ECE, the 10 worst confusions, place
 * extraction accuracy (when an extractor is wired in place-hook.ts) and classifications per second.
 *
 * How "none" is decided, the same way the dialog does (dialogs/pick-service-dialog.ts): the dialog
 * acts on the top service only when its confidence is at least `classifier.threshold ??
 * catalog.confidenceThreshold`; below it, it offers a list instead of a reading. So an outcome is
 * "none" when the confidence is below that threshold, or when the classifier returns a service that
 * is not in the catalog (an explicit "none" of a rebuilt classifier). Calibration is of the raw top
 * service: its confidence against whether that service is the label (never right on "none" items
 * unless the classifier itself answers "none").
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../bot/config';
import { loadCatalog } from '../../catalog/load-catalog';
import { LOCALES, type Catalog, type Locale } from '../../catalog/schema';
import type { Classification } from '../../dialogs/classify/classifier';
import { createClassifier } from '../../dialogs/classify/create-classifier';
import type { EngineClassifier } from '../../dialogs/engine-deps';
import { EVAL_DIR, loadEvalSet, NONE, type EvalItem } from './load-eval-set';
import {
  accuracy, calibration, macroF1, perClass, placeExactMatch, placeTokenF1, topConfusions, type Calibration,
} from './metrics';
import { catalogExampleTexts, findOverlaps } from './overlap';
import { loadPlaceExtractor, type PlaceExtractor } from './place-hook';

/** What the bot would make of one item. */
export interface Prediction {
  item: EvalItem;
  /** Raw top reading. */
  result: Classification;
  /** The language the bot would detect for it. */
  locale: Locale;
  /** The outcome the dialog acts on: a catalog service, or "none" (below threshold or unknown). */
  service: string;
  place?: string | null;
}

/** The evaluation of one language (or all of them). */
export interface EvalReport {
  label: string;
  n: number;
  serviceAccuracy: number;
  serviceMacroF1: number;
  /** On items whose label has a type (every item that is not "none"). */
  typeAccuracy: number;
  none: { precision: number; recall: number; support: number; predicted: number };
  calibration: Calibration;
  confusions: ReturnType<typeof topConfusions>;
  /** The raw top service, threshold ignored: what the classifier ranks first, right or wrong. */
  top: { accuracy: number; confusions: ReturnType<typeof topConfusions> };
  /** Per procedure type, on items that have one. */
  perType: ReturnType<typeof perClass>;
  /** Share of items whose detected language is the file's. */
  localeAccuracy: number;
  perService: ReturnType<typeof perClass>;
  /** Service and type accuracy on the items carrying each tag ("typo", "address-mid", "voseo"…). */
  byTag: { tag: string; n: number; service: number; type: number | null }[];
  /** Share of items the dialog would act on (confident, known service) and the accuracy on those. */
  acted: { share: number; accuracy: number };
  place?: { exact: number; f1: number; withPlace: { n: number; exact: number; f1: number }; withoutPlace: { n: number; none: number } };
}

/** The "none"-aware outcome of a classification, as pick-service-dialog acts on it. */
export function outcomeOf(result: Classification, known: ReadonlySet<string>, threshold: number): string {
  return known.has(result.service) && result.confidence >= threshold ? result.service : NONE;
}

/** Classifies every item the way a first message goes through the bot: language first, then the text. */
export async function predict(
  classifier: EngineClassifier,
  catalog: Catalog,
  items: readonly EvalItem[],
  places?: PlaceExtractor,
): Promise<Prediction[]> {
  const known = new Set(catalog.services.map((s) => s.code));
  const threshold = classifier.threshold ?? catalog.confidenceThreshold;
  const out: Prediction[] = [];
  for (const item of items) {
    const locale = classifier.detectLocale?.(item.text, catalog.city.defaultLocale) ?? catalog.city.defaultLocale;
    const result = await classifier.classify(item.text, locale);
    const p: Prediction = { item, result, locale, service: outcomeOf(result, known, threshold) };
    if (places) p.place = await places(item.text, item.locale);
    out.push(p);
  }
  return out;
}

/** Scores predictions with the pure metrics. */
export function report(label: string, preds: readonly Prediction[]): EvalReport {
  const gold = preds.map((p) => p.item.service);
  const outcome = preds.map((p) => p.service);
  const typed = preds.filter((p) => p.item.type !== null);
  const noneScores = perClass(gold, outcome, [NONE])[0]!;
  const actedOn = preds.filter((p) => p.service !== NONE);
  const r: EvalReport = {
    label,
    n: preds.length,
    serviceAccuracy: accuracy(gold, outcome),
    serviceMacroF1: macroF1(gold, outcome),
    typeAccuracy: accuracy(typed.map((p) => p.item.type!), typed.map((p) => p.result.type)),
    none: { precision: noneScores.precision, recall: noneScores.recall, support: noneScores.support, predicted: noneScores.predicted },
    calibration: calibration(preds.map((p) => p.result.confidence), preds.map((p) => p.result.service === p.item.service)),
    confusions: topConfusions(gold, outcome, 10),
    top: { accuracy: accuracy(gold, preds.map((p) => p.result.service)), confusions: topConfusions(gold, preds.map((p) => p.result.service), 5) },
    perType: perClass(typed.map((p) => p.item.type!), typed.map((p) => p.result.type)),
    localeAccuracy: accuracy(preds.map((p) => p.item.locale), preds.map((p) => p.locale)),
    perService: perClass(gold, outcome),
    byTag: byTag(preds),
    acted: {
      share: preds.length ? actedOn.length / preds.length : 0,
      accuracy: accuracy(actedOn.map((p) => p.item.service), actedOn.map((p) => p.service)),
    },
  };
  if (preds.some((p) => p.place !== undefined)) r.place = placeReport(preds);
  return r;
}

function byTag(preds: readonly Prediction[]): EvalReport['byTag'] {
  const tags = [...new Set(preds.flatMap((p) => p.item.tags ?? []))].sort();
  return tags.map((tag) => {
    const own = preds.filter((p) => p.item.tags?.includes(tag));
    const typed = own.filter((p) => p.item.type !== null);
    return {
      tag,
      n: own.length,
      service: accuracy(own.map((p) => p.item.service), own.map((p) => p.service)),
      type: typed.length ? accuracy(typed.map((p) => p.item.type!), typed.map((p) => p.result.type)) : null,
    };
  });
}

function placeReport(preds: readonly Prediction[]): NonNullable<EvalReport['place']> {
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const exact = (p: Prediction): number => (placeExactMatch(p.item.place, p.place ?? null) ? 1 : 0);
  const f1 = (p: Prediction): number => placeTokenF1(p.item.place, p.place ?? null);
  const withPlace = preds.filter((p) => p.item.place !== null);
  const withoutPlace = preds.filter((p) => p.item.place === null);
  return {
    exact: mean(preds.map(exact)),
    f1: mean(preds.map(f1)),
    withPlace: { n: withPlace.length, exact: mean(withPlace.map(exact)), f1: mean(withPlace.map(f1)) },
    withoutPlace: { n: withoutPlace.length, none: mean(withoutPlace.map(exact)) },
  };
}

/** The printed form of a report. */
export function format(r: EvalReport, placesWired: boolean): string {
  const f = (x: number): string => x.toFixed(3);
  const lines = [
    `== ${r.label} (${r.n} messages) ==`,
    `service accuracy ${f(r.serviceAccuracy)}   macro-F1 ${f(r.serviceMacroF1)}   type accuracy ${f(r.typeAccuracy)}`,
    `none: precision ${f(r.none.precision)} recall ${f(r.none.recall)} (labelled ${r.none.support}, predicted ${r.none.predicted})`,
    `top service, threshold ignored: accuracy ${f(r.top.accuracy)}; worst: ${r.top.confusions.map((c) => `${c.gold}->${c.predicted} ${c.count}`).join(', ') || '(none)'}`,
    'per type:  ' + r.perType.map((s) => `${s.label} P${f(s.precision)} R${f(s.recall)} n${s.support}`).join(' | '),
    `language detected right: ${f(r.localeAccuracy)}`,
    `acted on (confident, known service): ${f(r.acted.share)} of messages, accuracy there ${f(r.acted.accuracy)}`,
    'per service:  ' + r.perService.map((s) => `${s.label} P${f(s.precision)} R${f(s.recall)} n${s.support}`).join(' | '),
    'by tag (service / type accuracy, n):  ' + r.byTag.map((t) => `${t.tag} ${t.service.toFixed(2)}/${t.type === null ? '-' : t.type.toFixed(2)} n${t.n}`).join(' | '),
    'calibration (top service confidence vs. observed accuracy):',
    '  bin        n     conf   acc',
    ...r.calibration.bins.map((b) => `  ${b.lo.toFixed(1)}-${b.hi.toFixed(1)} ${String(b.count).padStart(5)}  ${b.count ? f(b.meanConfidence) : '  -  '}  ${b.count ? f(b.accuracy) : '  -  '}`),
    `  ECE ${f(r.calibration.ece)}`,
    'worst confusions (label -> outcome: count):',
    ...(r.confusions.length ? r.confusions.map((c) => `  ${c.gold} -> ${c.predicted}: ${c.count}`) : ['  (none)']),
  ];
  if (!placesWired) lines.push('place extraction: not available');
  else if (r.place) {
    const p = r.place;
    lines.push(
      `place extraction: exact ${f(p.exact)} token-F1 ${f(p.f1)} over all; with a place (${p.withPlace.n}) exact ${f(p.withPlace.exact)} F1 ${f(p.withPlace.f1)}; without (${p.withoutPlace.n}) nothing extracted ${f(p.withoutPlace.none)}`,
    );
  }
  return lines.join('\n');
}

/** Classifications per second over the whole set, repeated for at least `minMs` (sequential awaits). */
export async function throughput(classifier: EngineClassifier, items: readonly EvalItem[], minMs = 1_000): Promise<number> {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (const item of items) await classifier.classify(item.text);
    count += items.length;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

/** The classifier exactly as the bot builds it (bot/app.ts → createClassifier), offline unless `llm`. */
async function build(llm: boolean): Promise<{ source: string; catalog: Catalog; classifier: EngineClassifier; trainMs: number }> {
  // Offline by default: numbers that do not depend on a model server or on what the shell exported.
  const env = { ...process.env };
  if (!llm) delete env.LLM_PROVIDER;
  const config = loadConfig(env);
  const catalog = loadCatalog(config.CATALOG);
  const t0 = performance.now();
  const classifier: EngineClassifier = await createClassifier(config, catalog);
  return { source: config.CATALOG, catalog, classifier, trainMs: performance.now() - t0 };
}

/**
 * The labelled sets. `holdout` was written later, by someone who had seen neither the catalog's examples
 * nor the eval set, to measure how far figures on `eval` carry to new wording: it is never used to
 * tune or to write examples from.
 */
const SETS = { eval: EVAL_DIR, holdout: fileURLToPath(new URL('../../tests/fixtures/eval-holdout/', import.meta.url)) } as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { llm: { type: 'boolean', default: false }, lang: { type: 'string' }, json: { type: 'boolean', default: false }, set: { type: 'string', default: 'eval' } } });
  if (!Object.hasOwn(SETS, values.set)) throw new Error(`--set must be one of ${Object.keys(SETS).join(', ')}`);
  const dir = SETS[values.set as keyof typeof SETS];
  const lang = values.lang;
  if (lang !== undefined && !(LOCALES as readonly string[]).includes(lang)) throw new Error(`--lang must be one of ${LOCALES.join(', ')}`);
  const { source, catalog, classifier, trainMs } = await build(values.llm);
  const locales = lang ? [lang as Locale] : [...LOCALES];
  const threshold = classifier.threshold ?? catalog.confidenceThreshold;
  const extractPlace = await loadPlaceExtractor();
  const out = (line: string): void => void (values.json || console.log(line));
  out(`classifier: ${classifier.kind}, built in ${Math.round(trainMs)} ms from ${source}; threshold ${threshold}`);
  const all: Prediction[] = [];
  const reports: EvalReport[] = [];
  for (const locale of locales) {
    const preds = await predict(classifier, catalog, loadEvalSet(locale, dir), extractPlace);
    all.push(...preds);
    reports.push(report(locale, preds));
    out(`\n${format(reports.at(-1)!, extractPlace !== undefined)}`);
  }
  const total = locales.length > 1 ? report('all', all) : undefined;
  if (total) {
    out(`\n== all (${total.n}) == service accuracy ${total.serviceAccuracy.toFixed(3)} macro-F1 ${total.serviceMacroF1.toFixed(3)} type accuracy ${total.typeAccuracy.toFixed(3)} ECE ${total.calibration.ece.toFixed(3)}`);
  }
  // The test fails at 0.8; closeness below that is only printed, so a catalog that drifts toward this
  // set (training on the test) shows up in the figures. The example catalog before issue 13 had none at 0.6.
  const close = new Set(findOverlaps(all.map((p) => p.item.text), catalogExampleTexts(catalog), 0.6).map((o) => o.text)).size;
  out(`\ncatalog closeness: ${close} of ${all.length} messages have a catalog training text at word Jaccard >= 0.6`);
  const perSecond = Math.round(await throughput(classifier, all.map((p) => p.item)));
  out(`\nclassifications/s: ${perSecond} (one thread, whole set, ${classifier.kind})`);
  if (values.json) {
    const summary = { classifier: classifier.kind, trainMs: Math.round(trainMs), threshold, placeExtraction: extractPlace !== undefined, reports, all: total, catalogCloseness: close, perSecond };
    console.log(JSON.stringify(summary, null, 2));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`eval: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
