/**
 * `npm run bench:classify`: the offline classifier's numbers, printed (nothing is asserted).
 *
 *   npm run bench:classify                 # training time (catalog; catalog + 10,000 history rows), classifications/s
 *   npm run bench:classify -- --cv         # + 5-fold cross-validation on the catalog's own examples, per language
 *   npm run bench:classify -- --cv --set '{"features":{"minChar":3,"maxChar":5,"bigrams":true}}'   # try other knobs
 *
 * The history rows are made from the catalog's examples with typos and case changes (a stand-in of the
 * right size and shape: no real citizen reports are used anywhere). Cross-validation is how the knobs
 * in DEFAULT_OPTIONS were chosen; the labelled eval set (`npm run eval`) is only measured, never tuned on.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/load-catalog';
import { LOCALES, PROCEDURE_TYPES, type Catalog, type Locale } from '../catalog/schema';
import { NONE } from '../dialogs/classify/classifier';
import { DEFAULT_OPTIONS, OfflineClassifier, type LabelledText, type OfflineOptions } from '../dialogs/classify/offline-classifier';
import { foldOf } from '../dialogs/classify/offline/calibrate';
import { classificationsPerSecond } from './classifier';
import { calibration } from './eval/metrics';

const { values: args } = parseArgs({ options: { cv: { type: 'boolean', default: false }, set: { type: 'string' }, folds: { type: 'string', default: '5' }, rows: { type: 'string', default: '10000' } } });
const options: OfflineOptions = merge(DEFAULT_OPTIONS, args.set ? (JSON.parse(args.set) as Partial<OfflineOptions>) : {});
const catalog = loadCatalog(fileURLToPath(new URL('../config/catalog.yaml', import.meta.url)));


function merge(a: OfflineOptions, b: Partial<OfflineOptions>): OfflineOptions {
  return {
    ...a,
    ...b,
    features: { ...a.features, ...b.features },
    service: { ...a.service, ...b.service },
    type: { ...a.type, ...b.type },
  };
}

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` history-like rows: catalog examples with a dropped or doubled letter and random case. */
export function syntheticHistory(c: Catalog, n: number, seed = 1): LabelledText[] {
  const rand = rng(seed);
  const pool: LabelledText[] = c.services.flatMap((s) => LOCALES.flatMap((l) => s.examples[l].map((text) => ({ text, service: s.code, locale: l }))));
  const typed = new Map<string, (typeof PROCEDURE_TYPES)[number]>();
  for (const t of PROCEDURE_TYPES) for (const l of LOCALES) for (const x of c.types[t]?.examples[l] ?? []) typed.set(x, t);
  const out: LabelledText[] = [];
  for (let i = 0; i < n; i++) {
    const base = pool[Math.floor(rand() * pool.length)]!;
    let text = base.text;
    const k = Math.floor(rand() * text.length);
    text = rand() < 0.5 ? text.slice(0, k) + text.slice(k + 1) : text.slice(0, k) + text[k] + text.slice(k);
    if (rand() < 0.3) text = text.toUpperCase();
    const type = PROCEDURE_TYPES[Math.floor(rand() * 3)]!;
    out.push({ ...base, text, ...(rand() < 0.7 ? { type } : {}) });
  }
  return out;
}



/** k-fold CV over the catalog's service, type and out-of-scope examples, per language. */
function crossValidate(folds: number): void {
  type Item = { text: string; locale: Locale; service?: string; type?: string; where: string; i: number };
  const items: Item[] = [];
  catalog.services.forEach((s, si) => LOCALES.forEach((l) => s.examples[l].forEach((text, i) => items.push({ text, locale: l, service: s.code, where: `s${si}${l}`, i }))));
  LOCALES.forEach((l) => (catalog.outOfScope?.[l] ?? []).forEach((text, i) => items.push({ text, locale: l, service: NONE, where: `o${l}`, i })));
  PROCEDURE_TYPES.forEach((t) => LOCALES.forEach((l) => (catalog.types[t]?.examples[l] ?? []).forEach((text, i) => items.push({ text, locale: l, type: t, where: `t${t}${l}`, i }))));
  const fold = foldOf(items.length, folds, 11);
  const per = new Map<Locale, { sn: number; sr: number; tn: number; tr: number; conf: number[]; right: boolean[] }>();
  for (const l of LOCALES) per.set(l, { sn: 0, sr: 0, tn: 0, tr: 0, conf: [], right: [] });
  // service accuracy (none-aware, as the dialog acts) at other thresholds than the catalog's
  const sweep = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
  const atThreshold = sweep.map(() => ({ n: 0, r: 0 }));
  for (let f = 0; f < folds; f++) {
    const held = new Set(items.filter((_, i) => fold[i] === f).map((x) => `${x.where}:${x.i}`));
    const keep = (where: string) => (xs: readonly string[]) => xs.filter((_, i) => !held.has(`${where}:${i}`));
    const train: Catalog = {
      ...catalog,
      services: catalog.services.map((s, si) => ({ ...s, examples: { es: keep(`s${si}es`)(s.examples.es), ca: keep(`s${si}ca`)(s.examples.ca), en: keep(`s${si}en`)(s.examples.en) } })),
      outOfScope: { es: keep('oes')(catalog.outOfScope?.es ?? []), ca: keep('oca')(catalog.outOfScope?.ca ?? []), en: keep('oen')(catalog.outOfScope?.en ?? []) },
      types: Object.fromEntries(PROCEDURE_TYPES.map((t) => [t, { ...catalog.types[t]!, examples: { es: keep(`t${t}es`)(catalog.types[t]!.examples.es), ca: keep(`t${t}ca`)(catalog.types[t]!.examples.ca), en: keep(`t${t}en`)(catalog.types[t]!.examples.en) } }])) as Catalog['types'],
    };
    const model = OfflineClassifier.train(train, [], options);
    items.forEach((x, i) => {
      if (fold[i] !== f) return;
      const r = model.classifySync(x.text, model.detectLocale(x.text, catalog.city.defaultLocale));
      const p = per.get(x.locale)!;
      if (x.service) {
        const outcome = r.service !== NONE && r.confidence < model.threshold ? NONE : r.service;
        p.sn++;
        if (outcome === x.service) p.sr++;
        p.conf.push(r.confidence);
        p.right.push(r.service === x.service);
        sweep.forEach((t, k) => {
          atThreshold[k]!.n++;
          if ((r.service !== NONE && r.confidence < t ? NONE : r.service) === x.service) atThreshold[k]!.r++;
        });
      }
      if (x.type) {
        p.tn++;
        if (r.type === x.type) p.tr++;
      }
    });
  }
  console.log(`cv service accuracy by threshold: ${sweep.map((t, k) => `${t}: ${(atThreshold[k]!.r / atThreshold[k]!.n).toFixed(3)}`).join(', ')}`);
  for (const l of LOCALES) {
    const p = per.get(l)!;
    console.log(`cv ${l}: service accuracy ${(p.sr / p.sn).toFixed(3)} (n ${p.sn}), type accuracy ${(p.tr / p.tn).toFixed(3)} (n ${p.tn}), ECE ${calibration(p.conf, p.right).ece.toFixed(3)}`);
  }
}

if (args.cv && process.env.CV_ONLY) {
  crossValidate(Number(args.folds));
  process.exit(0);
}
// CPU time of this thread's process as well as wall time: on a loaded machine the wall clock says more about the neighbours.
const cpuMs = (since: NodeJS.CpuUsage): number => Math.round(process.cpuUsage(since).user / 1000);
let c0 = process.cpuUsage();
const t0 = performance.now();
const offline = OfflineClassifier.train(catalog, [], options);
console.log(`trained from the catalog in ${Math.round(performance.now() - t0)} ms (${cpuMs(c0)} ms CPU): ${JSON.stringify(offline.stats)}`);
const history = syntheticHistory(catalog, Number(args.rows));
c0 = process.cpuUsage();
const t1 = performance.now();
const withHistory = OfflineClassifier.train(catalog, history, options);
console.log(`trained from the catalog + ${history.length} history rows in ${Math.round(performance.now() - t1)} ms (${cpuMs(c0)} ms CPU): ${JSON.stringify(withHistory.stats)}`);
console.log(`classifications/s (one thread): ${classificationsPerSecond(offline)} (catalog model), ${classificationsPerSecond(withHistory)} (with history)`);
if (args.cv) crossValidate(Number(args.folds));
