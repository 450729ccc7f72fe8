/**
 * `npm run eval:history`: what a city's own history adds (issue 13 part 3), measured the way the issue
 * states its target — train on half of the labelled messages, measure on the other half — with this
 * project's own sets standing in for a city's history (no real history is available here):
 *
 * 1. eval set, items split by position (even → history, odd → measured), per language: catalog alone
 *    vs catalog + the CLASSIFIER_HISTORY CSV of the even half;
 * 2. the held-out set measured with the whole eval set as history (new wording, other authors' style).
 *
 * The history goes through the product's own path: a CSV file named by CLASSIFIER_HISTORY, read by
 * createClassifier as bot/app.ts builds it. "none" items are not history rows (no service to learn).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../bot/config';
import { loadCatalog } from '../../catalog/load-catalog';
import { LOCALES, type Catalog } from '../../catalog/schema';
import { createClassifier } from '../../dialogs/classify/create-classifier';
import { loadEvalSet, NONE, type EvalItem } from './load-eval-set';
import { predict, report } from './run-eval';

const HOLDOUT_DIR = fileURLToPath(new URL('../../tests/fixtures/eval-holdout/', import.meta.url));

/** RFC 4180: every field quoted, quotes doubled. */
function csvOf(items: readonly EvalItem[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['text,service,type,locale', ...items.filter((i) => i.service !== NONE).map((i) => [i.text, i.service, i.type ?? '', i.locale].map(q).join(','))].join('\r\n');
}

async function accuracyOn(catalog: Catalog, items: EvalItem[], historyFile?: string): Promise<{ service: number; type: number }> {
  const env = { ...process.env };
  delete env.LLM_PROVIDER;
  if (historyFile) env.CLASSIFIER_HISTORY = historyFile;
  else delete env.CLASSIFIER_HISTORY;
  const classifier = await createClassifier(loadConfig(env), catalog, undefined, { watch: false, strict: true });
  const r = report('x', await predict(classifier, catalog, items, undefined));
  return { service: r.serviceAccuracy, type: r.typeAccuracy };
}

async function main(): Promise<void> {
  const catalog = loadCatalog(loadConfig(process.env).CATALOG);
  const dir = mkdtempSync(join(tmpdir(), 'citybot-history-'));
  const f = (x: number) => x.toFixed(3);
  try {
    console.log('half of the eval set as history, measured on the other half (service / type accuracy)');
    for (const locale of LOCALES) {
      const items = loadEvalSet(locale);
      const history = items.filter((_, i) => i % 2 === 0);
      const measured = items.filter((_, i) => i % 2 === 1);
      const file = join(dir, `${locale}-half.csv`);
      writeFileSync(file, csvOf(history));
      const alone = await accuracyOn(catalog, measured);
      const withHistory = await accuracyOn(catalog, measured, file);
      console.log(`  ${locale} (${history.filter((i) => i.service !== NONE).length} history rows, ${measured.length} measured): catalog alone ${f(alone.service)} / ${f(alone.type)}; with history ${f(withHistory.service)} / ${f(withHistory.type)}`);
    }
    const whole = join(dir, 'eval-all.csv');
    writeFileSync(whole, csvOf(LOCALES.flatMap((l) => loadEvalSet(l))));
    console.log('held-out set, with the whole eval set as history (service / type accuracy)');
    for (const locale of LOCALES) {
      const items = loadEvalSet(locale, HOLDOUT_DIR);
      const alone = await accuracyOn(catalog, items);
      const withHistory = await accuracyOn(catalog, items, whole);
      console.log(`  ${locale} (${items.length}): catalog alone ${f(alone.service)} / ${f(alone.type)}; with history ${f(withHistory.service)} / ${f(withHistory.type)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`eval:history: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
