/**
 * What agents' corrections cost a worker (issue 13 part 3): reading the latest N from SQL and
 * retraining the offline classifier on the catalog plus them (as console/correction-feed does
 * on every notice, and once before a worker's first turn). Prints; asserts nothing.
 *
 *   npx tsx bench/corrections-retrain.ts [N ...]     (default 1000 10000 50000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../bot/logger';
import { CorrectionsStore } from '../bot/sql/corrections-store';
import { openDatabase } from '../bot/sql/database';
import { loadCatalog } from '../catalog/load-catalog';
import { LiveOfflineClassifier } from '../dialogs/classify/live-classifier';
import { CorrectionFeed } from '../console/correction-feed';
import { redisClient } from '../tests/support/redis';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const catalog = loadCatalog('config/catalog.yaml');
// The catalog's own examples, each filed under the next service: corrections that disagree with the catalog.
const texts = catalog.services.flatMap((s, i) => (['es', 'ca', 'en'] as const).flatMap((locale) =>
  s.examples[locale].map((text) => ({ text, locale, service: catalog.services[(i + 1) % catalog.services.length]!.code }))));

const dir = mkdtempSync(path.join(tmpdir(), 'bench-corrections-'));
const db = await openDatabase({ sqlitePath: path.join(dir, 'bot.sqlite') });
const redis = redisClient();
const store = new CorrectionsStore(db);
const log = createLogger('silent');
const live = LiveOfflineClassifier.start({ catalog, files: [] });
let stored = 0;
console.log('corrections | read from SQLite ms | retrain (background) ms | CPU ms');
for (const n of sizes.length ? sizes : [1_000, 10_000, 50_000]) {
  for (; stored < n; stored++) {
    const t = texts[stored % texts.length]!;
    await store.add({ text: `${t.text} ${stored % 7 === 0 ? '' : String(stored % 97)}`.trim(), service: t.service, type: 'reclamo', locale: t.locale, handoffId: `h${stored}`, agentId: 'bench' });
  }
  const feed = new CorrectionFeed({ redis, prefix: 'bench', store, catalog, log, limit: n });
  const t0 = performance.now();
  const rows = await feed.rows();
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  await live.setSource('corrections', rows);
  const cpu = process.cpuUsage(cpu0);
  const t2 = performance.now();
  console.log(`${String(rows.length).padStart(11)} | ${(t1 - t0).toFixed(0).padStart(18)} | ${(t2 - t1).toFixed(0).padStart(23)} | ${((cpu.user + cpu.system) / 1_000).toFixed(0)}`);
}
live.close();
await redis.quit();
await db.close();
rmSync(dir, { recursive: true, force: true });
