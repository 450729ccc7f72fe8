import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, DlConversation, startTestApp, type RunningApp } from '../e2e/support';

/*
 * The whole app (web chat, queues, dialog engine) over Direct Line, with the knowledge base read
 * from a folder of its own: a question is answered with its source link, and an article saved while
 * the app runs answers the next question.
 */
describe('questions over Direct Line with the app\'s knowledge base', () => {
  let bot: RunningApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-app-'));
    cpSync('config/knowledge', dir, { recursive: true });
    bot = await startTestApp({ KNOWLEDGE_DIR: dir });
  });
  afterAll(async () => {
    await bot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the passage, the source link and the two choices, and hands off on "Hablar con una persona"', async () => {
    const c = await DlConversation.open(bot.url);
    try {
      await c.botSays(/Hola/);
      const { reply } = await c.ask('¿qué necesito para empadronarme?');
      expect(reply.text).toContain('Hoja de inscripción');
      expect(reply.text).toContain('Fuente: Empadronarse en Ciudad Ejemplo (alta en el padrón) — https://www.ciudadejemplo.es/es/tramites/padron-alta');
      expect(buttons(reply)).toEqual(['Sí', 'Hablar con una persona']);
      expect((await c.ask('Hablar con una persona')).reply.text).toMatch(/persona|equipo|atiend/i);
    } finally {
      c.end();
    }
  });

  it('answers from an article saved while the app runs', async () => {
    writeFileSync(
      join(dir, 'es', 'huertos-urbanos.md'),
      '---\ntitle: Huertos urbanos municipales\nkeywords: [huerto urbano, parcela de huerto]\nsource: https://www.ciudadejemplo.es/es/medio-ambiente/huertos\n---\nLas parcelas de los huertos urbanos se sortean cada marzo entre los vecinos empadronados.\n',
    );
    const c = await DlConversation.open(bot.url);
    try {
      await c.botSays(/Hola/);
      // The watcher re-indexes within its debounce; ask until the new article answers.
      let text = '';
      for (let i = 0; i < 20 && !text.includes('huertos'); i += 1) {
        text = (await c.ask('¿cómo consigo una parcela en los huertos urbanos?')).reply.text ?? '';
        if (!text.includes('huertos')) await c.ask('cancelar');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(text).toContain('Las parcelas de los huertos urbanos se sortean cada marzo');
      expect(text).toContain('https://www.ciudadejemplo.es/es/medio-ambiente/huertos');
    } finally {
      c.end();
    }
  });
});
