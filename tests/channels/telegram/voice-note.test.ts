import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { startTestApp, type RunningApp } from '../../e2e/support';
import { TelegramChat } from '../../support/telegram-chat';
import { TelegramEmulator } from '../../support/telegram-emulator';
import { voiceLines } from '../../support/voice-lines';

/*
 * Voice notes on the whole app (Telegram by long polling, telegram-test-api) without speech-to-text
 * configured: the citizen is asked to type, and the voice note stays in the SQL transcript for agents.
 */

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(80, 3)]);
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;
let db: Db;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await emulator?.stop();
});

describe('a voice note on Telegram without STT_BASE_URL', () => {
  it('asks the citizen to type, keeps the audio in the SQL transcript, and goes on with the typed message', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');
    await c.send({ voice: { ...emulator.addFile(OGG), duration: 3, mime_type: 'audio/ogg' } });
    const reply = (await c.next()).text ?? '';
    expect(reply.startsWith('No he podido escuchar tu nota de voz')).toBe(true);

    const [line] = await voiceLines(db, String(c.chatId));
    expect(line).toMatchObject({ text: '', transcribed: false, audio: [{ contentType: 'audio/ogg', contentUrl: expect.stringMatching(/\/media\/.+\.ogg$/) }] });

    expect((await c.ask('hay una farola apagada en la calle Colón 12')).text).toMatch(/Alumbrado público/);
  });
});
