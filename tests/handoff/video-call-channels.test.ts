import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ROOM_NAME } from '../../handoff/jitsi-rooms';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent } from '../support/console-client';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { writeTestCatalog } from '../support/test-catalog';
import { newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';
import { startWhatsAppApp, type WhatsAppApp } from '../channels/whatsapp-baileys/harness';
import { incoming } from '../support/baileys-socket-double';

/*
 * The video call's link on the citizen's own channel (issue 15 part 2): the whole app with Telegram
 * (telegram-test-api over HTTP), WhatsApp Cloud (signed webhooks in, a local Graph API out) and, in a
 * second app, WhatsApp through Baileys (its socket a double); an agent on the console API starts the call.
 * Web chat is tested in tests/e2e/video-call.test.ts and in the browser.
 */

const SECRET = 'jitsi-app-secret-for-the-tests-0123456789';
const VIDEO = { VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: SECRET };
const dir = mkdtempSync(path.join(tmpdir(), 'video-channels-'));
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let graph: GraphApiServer;
let bot: RunningApp;
let db: Db;
let agent: ConsoleClient;

beforeAll(async () => {
  [emulator, graph] = await Promise.all([TelegramEmulator.start(), startGraphApiServer()]);
  bot = await startTestApp(whatsappEnv(graph, { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, CATALOG: writeTestCatalog(dir), ...VIDEO }));
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
  await graph?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Claims the channel's conversation from the queue and starts a call; returns the call. */
async function claimAndCall(consoleAgent: ConsoleClient, channel: string): Promise<{ id: string; room: string }> {
  const item = await waitFor(() => consoleAgent.events.flatMap((e) => (e.type === 'queue' ? e.items : [])).find((i) => i.channel === channel && i.status === 'queued'), `the ${channel} chat in the queue`);
  expect((await consoleAgent.post(`/handoffs/${item.id}/claim`)).status).toBe(200);
  const call = await consoleAgent.post(`/handoffs/${item.id}/video`);
  expect(call.status).toBe(201);
  expect(call.body.room).toMatch(ROOM_NAME);
  return { id: item.id, room: call.body.room };
}

/** The link's room and token claims, checked with the secret. */
function checked(url: string): { room: string; claims: jwt.JwtPayload } {
  const u = new URL(url);
  expect(u.origin).toBe('https://meet.example.org');
  return { room: u.pathname.slice(1), claims: jwt.verify(u.searchParams.get('jwt')!, SECRET, { algorithms: ['HS256'], audience: 'jitsi' }) as jwt.JwtPayload };
}

describe('the video call link on Telegram and WhatsApp', () => {
  it('Telegram: an inline button that opens the room, in the citizen\'s language', async () => {
    const chatId = randomInt(1_000_000, 9_000_000);
    const c = new TelegramChat(emulator, token, chatId, 'ca');
    await c.command('/start');
    await c.next();
    await c.ask('vull parlar amb una persona');
    const { id, room } = await claimAndCall(agent, 'telegram');
    const invite = await waitFor(() => c.messages().find((m) => m.reply_markup?.inline_keyboard?.flat().some((b) => 'url' in b)), 'the invitation on Telegram');
    expect(invite.text).toMatch(/^Ana et convida a una videotrucada/);
    const buttons = invite.reply_markup!.inline_keyboard!.flat() as Array<{ text: string; url?: string; callback_data?: string }>;
    expect(buttons).toHaveLength(1);
    expect(buttons[0]!.text).toBe('Entrar a la trucada');
    expect(buttons[0]!.callback_data).toBeUndefined();
    const link = checked(buttons[0]!.url!);
    expect(link.room).toBe(room);
    expect(link.claims).toMatchObject({ room, context: { user: { moderator: false, name: 'Ciutadà/ana' } } });
    // The link is on the button only: the text is the sentence.
    expect(invite.text).not.toContain('meet.example.org');

    expect((await agent.call('DELETE', `/handoffs/${id}/video`)).status).toBe(200);
    await waitFor(() => c.messages().find((m) => /^La videotrucada ha acabat/.test(m.text ?? '')), 'the end on Telegram');
  });

  it('WhatsApp Cloud: a call-to-action URL message with the room\'s link', async () => {
    const waId = newWaId();
    expect((await postWebhook(bot.url, webhook(graph, { messages: [text(waId, 'quiero hablar con una persona')] }))).status).toBe(200);
    await waitFor(() => graph.messages.find((m) => m.to === waId && /Eres el número 1 en la cola|no hay nadie/.test(textOfMessage(m.body))), 'queued on WhatsApp');
    const { id, room } = await claimAndCall(agent, 'whatsapp-cloud');
    const invite = await waitFor(() => graph.messages.find((m) => m.to === waId && m.body.interactive?.type === 'cta_url'), 'the invitation on WhatsApp');
    expect(invite.body.interactive.body.text).toMatch(/^Ana te invita a una videollamada/);
    expect(invite.body.interactive.action).toMatchObject({ name: 'cta_url', parameters: { display_text: 'Entrar en la llamada' } });
    const link = checked(invite.body.interactive.action.parameters.url);
    expect(link.room).toBe(room);
    expect(link.claims['context']).toEqual({ user: { name: 'Ciudadano/a', moderator: false } });

    expect((await agent.call('DELETE', `/handoffs/${id}/video`)).status).toBe(200);
    await waitFor(() => graph.messages.find((m) => m.to === waId && /^La videollamada ha terminado/.test(textOfMessage(m.body))), 'the end on WhatsApp');
  });
});

describe('the video call link on WhatsApp through Baileys', () => {
  let wa: WhatsAppApp;
  let waDb: Db;
  let ana: ConsoleClient;
  beforeAll(async () => {
    wa = await startWhatsAppApp({ CATALOG: writeTestCatalog(dir), ...VIDEO });
    wa.socket().open();
    waDb = await openDatabase({ sqlitePath: wa.config.SQLITE_PATH });
    await createAgent(waDb, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
    ana = await ConsoleClient.login(wa.url, 'ana@ajuntament.cat');
    await ana.connect();
  });
  afterAll(async () => {
    ana?.disconnect();
    await waDb?.close();
    await wa?.stop();
  });

  it('writes the link in the text, after the sentence (no link buttons there)', async () => {
    const jid = `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`;
    wa.socket().receive([incoming.text(jid, 'quiero hablar con una persona')]);
    const { room } = await claimAndCall(ana, 'whatsapp');
    const invite = await waitFor(() => wa.sockets.flatMap((s) => s.textsTo(jid)).find((t) => /te invita a una videollamada/.test(t)), 'the invitation on WhatsApp');
    expect(invite).toMatch(/^Ana te invita a una videollamada[^\n]*\n\nEntrar en la llamada: https:\/\/meet\.example\.org\/\S+$/);
    expect(checked(invite.split('Entrar en la llamada: ')[1]!).room).toBe(room);
  });
});
