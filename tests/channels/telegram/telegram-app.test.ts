import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, startTestApp, type RunningApp } from '../../e2e/support';
import { buttonsOf, TelegramChat } from '../../support/telegram-chat';
import { TelegramEmulator } from '../../support/telegram-emulator';
import { eventually } from '../../support/redis';

/*
 * The whole bot (ROLE=all: Telegram by long polling, queues, dialog engine, SQLite) in this process,
 * talking over real HTTP to telegram-test-api, driven by a citizen's chat the way the Telegram app would.
 */

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;
let nextChat = randomInt(1_000_000, 9_000_000);

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot });
});
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
});

const chat = (languageCode = 'es'): TelegramChat => new TelegramChat(emulator, token, nextChat++, languageCode);

describe('the whole app on Telegram (long polling)', () => {
  it('files a complaint with buttons, a shared location and a photo, then answers its status', async () => {
    const c = chat();
    await c.command('/start');
    const greeting = await c.next();
    expect(greeting.text).toMatch(/Hola/);
    expect(buttonsOf(greeting)).toEqual(['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']);
    expect(greeting.parse_mode).toBe('HTML');

    // What without where: the only question is where.
    expect((await c.ask('Hay una farola apagada desde hace una semana')).text).toMatch(/¿Dónde está\?/);

    await c.send({ location: { latitude: 39.4699, longitude: -0.3763 } });
    const confirm = await c.next();
    expect(confirm.text).toMatch(/^Reclamo de Alumbrado público en ubicación compartida \(39\.46990, -0\.37630\) — ¿lo envío\?/);
    expect(buttonsOf(confirm)).toEqual(['Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar']);
    await c.press('Añadir foto');
    expect((await c.next()).text).toMatch(/foto/);
    await c.send({ photo: [{ ...emulator.addFile(PNG.subarray(0, 40)), width: 90, height: 90 }, { ...emulator.addFile(PNG), width: 800, height: 600 }] });
    const summary = await c.next();
    expect(summary.text).toMatch(/— ¿lo envío\?/);
    expect(summary.text).toMatch(/Fotos: 1/);
    await c.press('Enviar');
    const done = await c.next();
    const reference = REFERENCE.exec(done.text ?? '')?.[0];
    expect(reference, done.text).toBeDefined();

    const status = await c.ask(`¿cómo va ${reference}?`);
    expect(status.text).toContain(reference);
    expect(status.text).toMatch(/Estado: Recibido/);
    expect(emulator.answeredCallbacks.length).toBeGreaterThanOrEqual(2);
  });

  it('answers /help with the help text and the menu', async () => {
    const c = chat('en');
    await c.command('/help');
    const help = await c.next();
    expect(help.text).toMatch(/how I can help|Así te puedo ayudar/i);
    expect(buttonsOf(help)).toHaveLength(3);
  });

  it('answers a sticker politely in the citizen’s language, without a turn, and goes on', async () => {
    const c = chat('ca');
    await c.send({ sticker: { file_id: 'sticker-1', file_unique_id: 's1', width: 512, height: 512, is_animated: false, is_video: false, type: 'regular' } });
    // The first reply to a new citizen ends with the catalog's privacy notice; later replies do not repeat it.
    const first = (await c.next()).text ?? '';
    expect(first.startsWith("Perdona, de moment només puc llegir text, ubicacions i fotos.")).toBe(true);
    expect(first).toMatch(/Protecció de dades: .* https:\/\/ciudad-ejemplo\.example\/ca\/privacitat$/);
    const next = await c.ask("la farola del carrer Major 3 no s'encén des de fa dies");
    expect(next.text).toMatch(/Enllumenat públic/);
    expect(next.text).not.toMatch(/Protecció de dades/);
  });

  it('answers one update delivered ten times (same update and message id) exactly once', async () => {
    const c = chat();
    const update = {
      update_id: emulator.updateId(),
      message: { message_id: 777_001, date: Math.floor(Date.now() / 1_000), chat: { id: c.chatId, type: 'private' }, from: { id: c.chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }, text: 'Hay una farola apagada en la calle Colón 12 desde hace una semana' },
    };
    for (let i = 0; i < 10; i++) emulator.inject(token, update);
    expect((await c.next()).text).toMatch(/Alumbrado público/);
    // Turns of a conversation run in order: once a later message is answered, any duplicate turn would have run.
    await c.press('Enviar');
    expect((await c.next()).text).toMatch(/ALU-\d{4}-\d{6}/);
    expect(c.messages().filter((m) => /Alumbrado público/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('shows "typing…" in the chat while the bot works on a message', async () => {
    const c = chat();
    await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana');
    await eventually(() => emulator.chatActions.some((a) => String(a.chat_id) === String(c.chatId) && a.action === 'typing'), 5_000, 'a typing action');
  });

  it('apologizes when the engine throws on a message, and the next message is handled normally', async () => {
    const c = chat();
    expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).text).toMatch(/Alumbrado público/);
    await corruptDialogStack(String(c.chatId));
    expect((await c.ask('Calle Colón 12')).text).toMatch(/^Uy, algo ha fallado por nuestra parte/);
    expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).text).toMatch(/Alumbrado público/);
  });
});

/**
 * Points the conversation's dialog stack at a dialog that does not exist, so the engine throws on the
 * next message (botbuilder: "A dialog with an id of … wasn't found"), as a bug in a dialog would.
 * The state is botbuilder ConversationState in RedisStorage: "<eTag>\n<json>".
 */
async function corruptDialogStack(conversationId: string): Promise<void> {
  const key = `${bot.config.REDIS_PREFIX}:state:telegram/conversations/${conversationId}/`;
  const raw = await bot.app.redis.get(key);
  if (raw === null) throw new Error(`no dialog state at ${key}`);
  const cut = raw.indexOf('\n');
  const state = JSON.parse(raw.slice(cut + 1)) as { dialogState: { dialogStack: unknown[] } };
  state.dialogState.dialogStack = [{ id: 'no-such-dialog', state: {} }];
  await bot.app.redis.set(key, `${raw.slice(0, cut)}\n${JSON.stringify(state)}`, 'KEEPTTL');
}
