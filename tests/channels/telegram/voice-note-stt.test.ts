import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { startTestApp, type RunningApp } from '../../e2e/support';
import { TelegramChat } from '../../support/telegram-chat';
import { TelegramEmulator } from '../../support/telegram-emulator';
import { voiceLines } from '../../support/voice-lines';
import { startSttStub, type SttReply, type SttStub } from '../../support/stt-stub-server';

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(80, 5)]);
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let stt: SttStub;
let bot: RunningApp;
let db: Db;
let next: SttReply = {};

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  stt = await startSttStub(() => next);
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, STT_BASE_URL: stt.baseURL, STT_TIMEOUT_MS: '500' });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await stt?.close();
  await emulator?.stop();
});

const chat = () => new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');

describe('voice notes on Telegram with STT_BASE_URL', () => {
  it('transcribes a voice note and files it like the typed message; the SQL transcript holds the text and the audio', async () => {
    next = { text: 'hay una farola apagada en la calle Colón 12' };
    const c = chat();
    await c.send({ voice: { ...emulator.addFile(OGG), duration: 3, mime_type: 'audio/ogg' } });
    expect((await c.next()).text).toMatch(/Alumbrado público/);
    expect(stt.requests.at(-1)).toMatchObject({ model: 'whisper-1', language: 'es' });
    const [line] = await voiceLines(db, String(c.chatId));
    expect(line).toMatchObject({ text: 'hay una farola apagada en la calle Colón 12', transcribed: true, audio: [expect.objectContaining({ contentType: 'audio/ogg' })] });
  });

  it('asks the citizen to type when the server is slow or fails', async () => {
    for (const reply of [{ delayMs: 3_000, text: 'tarde' }, { status: 500 }]) {
      next = reply;
      const c = chat();
      await c.send({ voice: { ...emulator.addFile(OGG), duration: 3, mime_type: 'audio/ogg' } });
      expect((await c.next()).text ?? '').toMatch(/^No he podido escuchar tu nota de voz/);
    }
  });
});
