import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import pino from 'pino';
import { openDatabase, type Db } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import type { Catalog } from '../../catalog/schema';
import { loadCatalog } from '../../catalog/load-catalog';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import { CITIZEN_ID, createCitizenBot } from '../../dialogs/index';
import type { Understanding } from '../../dialogs/understand/understanding';

/**
 * The engine as the worker runs it (shipped catalog, real offline classifier, real built-in
 * connector on a temporary SQLite file) on botbuilder's TestAdapter, with an understanding of the
 * test's choosing (street directory, geocoder, model extraction).
 */
export interface UnderstandEngine {
  catalog: Catalog;
  classifier: OfflineClassifier;
  connector: BuiltinConnector;
  db: Db;
  adapter(options?: { locale?: string; understanding?: Understanding; citizenId?: string; storage?: MemoryStorage }): TestAdapter;
  close(): Promise<void>;
}

let trained: { catalog: Catalog; classifier: OfflineClassifier } | undefined;

export async function startUnderstandEngine(): Promise<UnderstandEngine> {
  trained ??= (() => {
    const catalog = loadCatalog('config/catalog.yaml');
    return { catalog, classifier: OfflineClassifier.train(catalog) };
  })();
  const { catalog, classifier } = trained;
  const dir = mkdtempSync(join(tmpdir(), 'understand-engine-'));
  const db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
  const connector = new BuiltinConnector(db, catalog);
  let n = 0;
  return {
    catalog,
    classifier,
    connector,
    db,
    adapter(options = {}) {
      const bot = createCitizenBot({
        catalog, classifier, connector, storage: options.storage ?? new MemoryStorage(), log: pino({ level: 'silent' }),
        ...(options.understanding ? { understanding: options.understanding } : {}),
      });
      const citizenId = options.citizenId ?? `understand-citizen-${++n}`;
      const template: Partial<Activity> = { conversation: { id: `understand-conv-${n}`, isGroup: false, conversationType: 'personal', name: 'test' } };
      if (options.locale) template.locale = options.locale;
      return new TestAdapter(async (ctx) => {
        ctx.turnState.set(CITIZEN_ID, citizenId);
        await bot.run(ctx);
      }, template);
    },
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ticketRow = (engine: UnderstandEngine, reference: string) =>
  engine.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();

export const REF = /[A-Z]{3}-\d{4}-\d{6}/;
