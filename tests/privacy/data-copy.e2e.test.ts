import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { buttonsOf, TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/*
 * A citizen asks the bot for a copy of their data (GDPR art. 15) and gets it as files on their own channel,
 * through the whole app (ROLE=all, real Redis and SQLite): on web chat (Direct Line) and on Telegram
 * (telegram-test-api). The copy holds what they said earlier, and nothing of another citizen.
 */

const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot });
});
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
});

describe('a copy of my data', () => {
  it('on web chat: asks first, then sends the JSON and the readable copy as downloads that hold this citizen\'s words only', async () => {
    const other = await DlConversation.open(bot.url);
    const marker = `MARCA-${randomUUID().slice(0, 8)}`;
    const otherMarker = `OTRO-${randomUUID().slice(0, 8)}`;
    const c = await DlConversation.open(bot.url);
    try {
      await other.ask(`hay un bache enorme ${otherMarker} en la avenida del puerto`);
      await c.ask(`hay una farola apagada ${marker} en la calle Colón 12`);
      await c.ask('cancelar');

      const { reply: confirm } = await c.ask('quiero una copia de mis datos, por favor');
      expect(confirm.text).toMatch(/copia de todos los datos/);
      expect(buttons(confirm)).toEqual(['Sí', 'No']);
      const { reply } = await c.ask('Sí');
      expect(reply.text).toMatch(/Aquí tienes la copia de tus datos/);
      const files = reply.attachments ?? [];
      expect(files.map((f) => [f.name, f.contentType])).toEqual([
        [expect.stringMatching(/^mis-datos-\d{4}-\d{2}-\d{2}\.json$/), 'application/json'],
        [expect.stringMatching(/^mis-datos-\d{4}-\d{2}-\d{2}\.txt$/), 'text/plain'],
      ]);
      const json = await fetch(files[0]!.contentUrl!);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toBe('attachment');
      const body = await json.text();
      expect(JSON.parse(body)).toMatchObject({ conversations: [{ channel: 'webchat' }] });
      expect(body).toContain(marker);
      expect(body).not.toContain(otherMarker);
      const text = await (await fetch(files[1]!.contentUrl!)).text();
      expect(text).toContain('## Tus conversaciones');
      expect(text).toContain(marker);
      // The links are signed: without the signature the file is not served.
      expect((await fetch(files[0]!.contentUrl!.replace(/\/signed\/([^?]+)\?.*$/, '/$1'))).status).toBe(403);
    } finally {
      c.end();
      other.end();
    }
  });

  it('on web chat: "no" sends nothing', async () => {
    const c = await DlConversation.open(bot.url);
    try {
      await c.ask('I want a copy of my data');
      const { reply } = await c.ask('no');
      expect(reply.text).toBe("All right, I won't send anything.");
      expect(reply.attachments ?? []).toEqual([]);
    } finally {
      c.end();
    }
  });

  it('on Telegram: the copy arrives as two uploaded documents in the chat\'s language', async () => {
    const chat = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'ca');
    // Digits only: a word would count as evidence of a language.
    const marker = String(randomInt(10_000_000, 99_999_999));
    expect((await chat.ask(`la farola del carrer Major ${marker} no s'encén des de fa dies`)).text).toMatch(/Enllumenat públic/);
    expect((await chat.ask('cancel·lar')).text).toMatch(/D'acord/);
    const confirm = await chat.ask('vull una copia de les meves dades');
    expect(confirm.text).toMatch(/còpia de totes les dades/);
    expect(buttonsOf(confirm)).toEqual(['Sí', 'No']);
    await chat.press('Sí');
    const [json, text] = [await chat.next(), await chat.next()];
    expect(json.document?.filename).toMatch(/^les-meves-dades-.*\.json$/);
    expect(JSON.parse(json.document!.data.toString('utf8'))).toMatchObject({ conversations: [{ channel: 'telegram' }] });
    expect(json.document!.data.toString('utf8')).toContain(marker);
    expect(text.document?.filename).toMatch(/\.txt$/);
    expect(text.document!.data.toString('utf8')).toContain('## Les teves converses');
    expect((await chat.next()).text).toMatch(/Aquí tens la còpia de les teves dades/);
  });
});
