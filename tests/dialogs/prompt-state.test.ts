import { MemoryStorage, TestAdapter } from 'botbuilder';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIZEN_ID, createCitizenBot } from '../../dialogs/index';
import { startEngine, type Engine } from './engine/harness';

describe('choice prompts in dialog state', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await startEngine(); });
  afterAll(async () => { await engine.close(); });

  it('name their shared word lists instead of copying them into every saved state, and still recognize them', async () => {
    const storage = new MemoryStorage();
    const bot = createCitizenBot({ catalog: engine.catalog, classifier: engine.classifier, connector: engine.connector, storage, log: pino({ level: 'silent' }) });
    const adapter = new TestAdapter(async (ctx) => {
      ctx.turnState.set(CITIZEN_ID, 'citizen-prompt-state');
      await bot.run(ctx);
    }, { locale: 'es' });
    const saved = async () => JSON.stringify(await storage.read([`test/conversations/Convo1/`]));
    await adapter.send('Hay una farola apagada en la calle Colón 12 desde hace una semana').assertReply((a) => expect(a.text).toMatch(/alumbrado/i));
    const asking = await saved();
    expect(asking).toContain('"synonyms":"yes"');
    expect(asking).not.toContain('affirmative');
    // "dale" is only in the shared yes-list: the confirmation goes through to the next question.
    await adapter.send('dale').assertReply((a) => expect(a.text).not.toMatch(/no te he entendido/i));
    expect(await saved()).not.toContain('"id":"intake.pickService"');
  });
});
