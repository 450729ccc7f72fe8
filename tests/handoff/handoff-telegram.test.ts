import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * The same handoff from Telegram: the whole app polling telegram-test-api over real HTTP, an agent on
 * the console API. The bot must stay silent on Telegram too, and the agent's words arrive in the chat.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-telegram-'));
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;
let db: Db;
let agent: ConsoleClient;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana', 'mantenimiento-urbano']);
  agent = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
  await agent.connect();
});
afterAll(async () => {
  agent?.disconnect();
  await db?.close();
  await bot?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('handoff from Telegram', () => {
  it('queues the chat, silences the bot, carries the agent\'s words and typing to Telegram, and gives the chat back to the bot', async () => {
    const chatId = randomInt(1_000_000, 9_000_000);
    const c = new TelegramChat(emulator, token, chatId);
    await c.command('/start');
    expect((await c.next()).text).toMatch(/Hola/);
    expect((await c.ask('Hay un bache enorme en la calle Mayor 3')).text).toMatch(/^Reclamo de Calles y aceras en calle Mayor 3 — ¿lo envío\?/);
    expect((await c.ask('quiero hablar con una persona')).text).toMatch(/equipo de Mantenimiento urbano\. Eres el número 1 en la cola/);

    const item = await waitFor(() => agent.events.flatMap((e) => (e.type === 'queue' ? e.items : [])).find((i) => i.channel === 'telegram'), 'the Telegram chat in the queue');
    expect(item.summary).toMatchObject({ type: 'reclamo', service: 'calles', description: 'Hay un bache enorme en la calle Mayor 3' });
    expect((await agent.post(`/handoffs/${item.id}/claim`)).status).toBe(200);
    expect((await c.next()).text).toMatch(/te atiende Ana/);

    // The bot says nothing to the citizen's next message; the agent reads it live.
    await c.say('Está frente al número 3, es muy profundo');
    await waitFor(() => agent.events.find((e) => e.type === 'message' && e.message.text === 'Está frente al número 3, es muy profundo'), 'the message on the console');
    expect((await agent.post(`/handoffs/${item.id}/typing`)).status).toBe(204);
    await eventually(() => emulator.chatActions.some((a) => a.chat_id === String(chatId) && a.action === 'typing'), 5_000, 'typing on Telegram');
    await agent.post(`/handoffs/${item.id}/messages`, { text: 'Gracias, lo paso a la brigada hoy mismo' });
    expect((await c.next()).text).toBe('Gracias, lo paso a la brigada hoy mismo');

    expect((await agent.post(`/handoffs/${item.id}/release`)).status).toBe(200);
    expect((await c.next()).text).toMatch(/Vuelves a hablar con el asistente/);
    expect((await c.ask('mis reclamos')).text).toMatch(/No tienes|no tienes|Tus|tus/);
    // Nothing the bot said while the agent held the chat.
    const transcript = (await agent.get(`/handoffs/${item.id}`)).body.transcript as Array<{ from: string; text?: string; at: string }>;
    const claimedAt = transcript.findIndex((m) => /te atiende Ana/.test(m.text ?? ''));
    const releasedAt = transcript.findIndex((m) => /Vuelves a hablar/.test(m.text ?? ''));
    expect(transcript.slice(claimedAt + 1, releasedAt).map((m) => m.from)).toEqual(['citizen', 'agent']);
  });
});
