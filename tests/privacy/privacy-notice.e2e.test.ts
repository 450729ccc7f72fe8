import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * The privacy notice (catalog privacy.notice, GDPR art. 13) through the whole app: once per citizen on each
 * channel, at the end of the bot's first message to them, in their language; never again after.
 */

const NOTICE = {
  es: { text: 'Aviso de privacidad: tratamos tus datos para atenderte.', url: 'https://ciudad.example/privacidad' },
  ca: { text: 'Avís de privacitat: tractem les teves dades per atendre\'t.', url: 'https://ciudad.example/ca/privacitat' },
  en: { text: 'Privacy notice: we process your data to attend to you.', url: 'https://ciudad.example/en/privacy' },
};
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'notice-'));
let emulator: TelegramEmulator;
let bot: RunningApp;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  const catalog = writeTestCatalog(dir, (c) => void ((c.privacy as { notice?: unknown }).notice = NOTICE));
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, CATALOG: catalog });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the privacy notice', () => {
  it('on web chat: ends the greeting, and no later reply', async () => {
    const c = await DlConversation.open(bot.url);
    try {
      const greeting = await c.botSays(/Hola/);
      expect(greeting.text).toMatch(/Hola/);
      expect(greeting.text!.endsWith(`${NOTICE.es.text} ${NOTICE.es.url}`)).toBe(true);
      const { reply } = await c.ask('hay una farola apagada en la calle Colón 12');
      expect(reply.text).not.toContain(NOTICE.es.text);
      expect(c.bot().filter((a) => a.text?.includes(NOTICE.es.url))).toHaveLength(1);
    } finally {
      c.end();
    }
  });

  it('on Telegram: ends the first answer in the citizen\'s language, once, even when they come back with /start', async () => {
    const chat = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'ca');
    const first = await chat.ask("la farola del carrer Major no s'encén des de fa dies");
    expect(first.text).toMatch(/Enllumenat públic/);
    expect(first.text).toContain(NOTICE.ca.text);
    expect(first.text).toContain(NOTICE.ca.url);
    expect((await chat.ask('cancel·lar')).text).not.toContain(NOTICE.ca.url);
    await chat.command('/start');
    expect((await chat.next()).text).not.toContain(NOTICE.ca.url);
    expect(chat.messages().filter((m) => m.text?.includes(NOTICE.ca.url))).toHaveLength(1);
  });
});
