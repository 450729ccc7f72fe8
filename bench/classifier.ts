/**
 * Offline classifier benchmark: how long training takes at start-up, and how many messages per
 * second one thread classifies. Run directly: `npx tsx bench/classifier.ts` prints JSON.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCatalog } from '../catalog/load-catalog';
import type { Catalog } from '../catalog/schema';
import { OfflineClassifier } from '../dialogs/classify/offline-classifier';

/** Roughly how long the classification loop runs. */
const RUN_MS = 2_000;

/** Messages not in the catalog: short, long, vague, typo-ridden, in all three languages. */
export const MESSAGES = [
  'Hay una farola apagada en la calle Colón 12 desde hace una semana',
  "la farola del meu carrer no s'encén",
  "there's a huge pothole on Main Street",
  'se perdió mi perro',
  '¿qué días pasa el camión de la basura?',
  'hola',
  'tengo un problema',
  'xq nadie viene a arreglar el semaforo?? llevamos 3 dias asi, un dia de estos hay un accidente',
  'buenas tardes, les escribo porque desde que hicieron las obras en la calle de atrás, cada vez que llueve se inunda toda la esquina y el agua entra en los portales, ya lo avisamos dos veces y seguimos igual',
  'el contenidor de vidre està ple fins dalt',
  'power cut in the whole block since this morning',
  'una rama enorme cuelga encima del parque infantil',
];

/** Trains on `catalog`, then classifies a mixed set of messages for about two seconds. */
export async function benchClassifier(catalog: Catalog): Promise<{ trainMs: number; perSecond: number }> {
  const t0 = performance.now();
  const offline = OfflineClassifier.train(catalog);
  const trainMs = performance.now() - t0;

  return { trainMs: Math.round(trainMs), perSecond: classificationsPerSecond(offline) };
}

/** Classifies MESSAGES on one thread for about `ms` and returns how many per second. */
export function classificationsPerSecond(offline: OfflineClassifier, ms = RUN_MS): number {
  let count = 0;
  let sink = 0; // consumed below so the loop cannot be optimised away
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (const text of MESSAGES) sink += offline.classifySync(text).confidence;
    count += MESSAGES.length;
    now = performance.now();
  }
  if (!Number.isFinite(sink)) throw new Error('classifier returned a non-finite confidence');
  return Math.round(count / ((now - start) / 1000));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const catalog = loadCatalog(fileURLToPath(new URL('../config/catalog.yaml', import.meta.url)));
  console.log(JSON.stringify(await benchClassifier(catalog)));
}
