/**
 * Recall and false alarms of the emergency detector on tests/fixtures/emergency, per split and language.
 * Run: npx tsx bench/emergency-eval.ts [dev|test|all] [--misses]
 */
import { loadCatalog } from '../catalog/load-catalog';
import { emergencyDetectorFor } from '../dialogs/emergency/catalog-detector';
import { emergencyCases } from '../tests/emergency/fixtures';

const split = process.argv[2] ?? 'all';
const showMisses = process.argv.includes('--misses');
const detector = emergencyDetectorFor(loadCatalog('config/catalog.yaml'));
const cases = emergencyCases().filter((c) => split === 'all' || c.split === split);
const rows: Record<string, { pos: number; hit: number; neg: number; alarms: number }> = {};
for (const c of cases) {
  const r = (rows[c.lang] ??= { pos: 0, hit: 0, neg: 0, alarms: 0 });
  const found = detector.detect(c.text);
  if (c.emergency) {
    r.pos += 1;
    if (found) r.hit += 1;
    else if (showMisses) console.log(`MISS  [${c.lang}] ${c.text}`);
  } else {
    r.neg += 1;
    if (found) {
      r.alarms += 1;
      if (showMisses) console.log(`ALARM [${c.lang}] (${found.kind}: ${found.evidence}) ${c.text}`);
    }
  }
}
const total = { pos: 0, hit: 0, neg: 0, alarms: 0 };
console.log(`split=${split}`);
for (const [lang, r] of Object.entries(rows)) {
  for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r[k];
  console.log(`${lang}: recall ${r.hit}/${r.pos} = ${(r.hit / r.pos).toFixed(3)}  false alarms ${r.alarms}/${r.neg}`);
}
console.log(`all: recall ${total.hit}/${total.pos} = ${(total.hit / total.pos).toFixed(3)}  false alarms ${total.alarms}/${total.neg}`);
