import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type RunningApp } from '../../e2e/support';
import { TelegramChat } from '../../support/telegram-chat';
import { freePort, TelegramEmulator } from '../../support/telegram-emulator';

/*
 * The whole app in webhook mode: it registers its webhook (with a secret) on the emulator at start;
 * the emulator's updates reach it over HTTP with the X-Telegram-Bot-Api-Secret-Token header.
 */

const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
const secret = `s3cret_${randomUUID().replace(/-/g, '')}`;
let emulator: TelegramEmulator;
let bot: RunningApp;
let webhookUrl: string;
let nextChat = randomInt(1_000_000, 9_000_000);

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
  bot = await startTestApp({
    PORT: String(port), TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot,
    TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: secret,
  });
});
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
});

const chat = (): TelegramChat => new TelegramChat(emulator, token, nextChat++);

const updateFor = (c: TelegramChat, messageId: number, text: string) => ({
  update_id: emulator.updateId(),
  message: { message_id: messageId, date: Math.floor(Date.now() / 1_000), chat: { id: c.chatId, type: 'private' }, from: { id: c.chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }, text },
});

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Telegram webhook mode', () => {
  it('registers the webhook with its secret at start and answers updates Telegram delivers to it', async () => {
    expect(emulator.webhook).toEqual({ url: webhookUrl, secret });
    const c = chat();
    expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).text).toMatch(/Alumbrado público/);
    await c.press('Enviar');
    expect((await c.next()).text).toMatch(/ALU-\d{4}-\d{6}/);
  });

  it('rejects a missing or wrong secret with 401/403 and ingests nothing', async () => {
    const c = chat();
    const update = JSON.stringify(updateFor(c, 880_001, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'));
    const missing = await post(update);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('Unauthorized');
    const wrong = await post(update, { 'x-telegram-bot-api-secret-token': `${secret.slice(0, -1)}x` });
    expect(wrong.status).toBe(403);
    const longer = await post(update, { 'x-telegram-bot-api-secret-token': `${secret}x` });
    expect(longer.status).toBe(403);
    await pause(300);
    expect(c.messages()).toEqual([]);
    // Had any of those been ingested, this delivery would be a duplicate and go unanswered.
    expect((await post(update, { 'x-telegram-bot-api-secret-token': secret })).status).toBe(200);
    expect((await c.next()).text).toMatch(/Alumbrado público/);
  });

  it('answers malformed JSON and a body that is not an update with 400', async () => {
    const auth = { 'x-telegram-bot-api-secret-token': secret };
    const malformed = await post('{"update_id": 1, "message": {', auth);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('BadArgument');
    expect((await post('{"hello":"world"}', auth)).status).toBe(400);
  });

  it('answers the same update delivered ten times exactly once', async () => {
    const c = chat();
    const update = JSON.stringify(updateFor(c, 880_002, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'));
    const statuses = await Promise.all(Array.from({ length: 10 }, () => post(update, { 'x-telegram-bot-api-secret-token': secret }).then((r) => r.status)));
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await c.next()).text).toMatch(/Alumbrado público/);
    await c.press('Enviar');
    expect((await c.next()).text).toMatch(/ALU-\d{4}-\d{6}/);
    expect(c.messages().filter((m) => /Alumbrado público/.test(m.text ?? ''))).toHaveLength(1);
  });
});
