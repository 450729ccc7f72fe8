import { MemoryStorage, TestAdapter } from 'botbuilder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { openDatabase } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { loadCatalog } from '../../catalog/load-catalog';
import type { Locale } from '../../catalog/schema';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import type { EngineClassifier } from '../../dialogs/engine-deps';
import { CITIZEN_ID, createCitizenBot } from '../../dialogs/index';
import { createKnowledge } from '../../dialogs/knowledge/create-knowledge';

/*
 * A new report is read by the question check (is it an inquiry the knowledge base answers?) and by
 * intake (which service?). With a model configured each reading is a model call on the citizen's
 * allowance, so the turn reads a message once.
 */
const dir = mkdtempSync(join(tmpdir(), 'one-reading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a turn reads a new report once', () => {
  it('classifies the first message once, though both the question check and intake need its reading', async () => {
    const catalog = loadCatalog('config/catalog.yaml');
    const offline = OfflineClassifier.train(catalog);
    const calls: string[] = [];
    const classifier: EngineClassifier = {
      kind: offline.kind,
      classify: (text: string, locale?: Locale) => { calls.push(text); return offline.classify(text, locale); },
      detectLocale: (text, fallback) => offline.detectLocale(text, fallback),
    } as EngineClassifier;
    const log = pino({ level: 'silent' });
    const knowledge = await createKnowledge(loadConfig({}), catalog, log);
    const db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
    try {
      const bot = createCitizenBot({ catalog, classifier, connector: new BuiltinConnector(db, catalog), storage: new MemoryStorage(), log, knowledge: knowledge!.port });
      const adapter = new TestAdapter(async (ctx) => { ctx.turnState.set(CITIZEN_ID, 'citizen-1'); await bot.run(ctx); }, { locale: 'es' });
      await adapter.send('Hay una farola apagada en la calle Colón 12 desde hace una semana').assertReply((a) => expect(a.text).toMatch(/Alumbrado público/));
      expect(calls).toEqual(['Hay una farola apagada en la calle Colón 12 desde hace una semana']);
    } finally {
      knowledge?.close();
      await db.close();
    }
  });
});
