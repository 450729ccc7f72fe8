import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent } from '../support/console-client';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { writeTestCatalog } from '../support/test-catalog';
import { newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

/*
 * The handoff on WhatsApp (Cloud API): signed webhooks in, a local Graph API server out, an agent on
 * the console API. Same loop as web chat and Telegram: queued, silent bot, agent's words, survey.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-whatsapp-'));
let graph: GraphApiServer;
let bot: RunningApp;
let db: Db;
let agent: ConsoleClient;

beforeAll(async () => {
  graph = await startGraphApiServer();
  bot = await startTestApp(whatsappEnv(graph, { CATALOG: writeTestCatalog(dir) }));
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
  agent = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
  await agent.connect();
});
afterAll(async () => {
  agent?.disconnect();
  await db?.close();
  await bot?.stop();
  await graph?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('handoff from WhatsApp', () => {
  it('queues the chat, keeps the bot silent, delivers the agent\'s reply on WhatsApp and asks for satisfaction after the close', async () => {
    const waId = newWaId();
    const sent = () => graph.messages.filter((m) => m.to === waId).map((m) => textOfMessage(m.body));
    const say = async (words: string) => expect((await postWebhook(bot.url, webhook(graph, { messages: [text(waId, words)] }))).status).toBe(200);
    const botSays = (re: RegExp) => waitFor(() => sent().find((t) => re.test(t)), `WhatsApp message ${re}`);

    await say('quiero hablar con una persona');
    await botSays(/Eres el número 1 en la cola/);
    const item = await waitFor(() => agent.events.flatMap((e) => (e.type === 'queue' ? e.items : [])).find((i) => i.channel === 'whatsapp-cloud'), 'the WhatsApp chat in the queue');
    expect((await agent.post(`/handoffs/${item.id}/claim`)).status).toBe(200);
    await botSays(/te atiende Ana/);

    const before = sent().length;
    await say('Es por el ruido del bar de abajo todas las noches');
    await waitFor(() => agent.events.find((e) => e.type === 'message' && e.message.text === 'Es por el ruido del bar de abajo todas las noches'), 'the message on the console');
    await agent.post(`/handoffs/${item.id}/messages`, { text: 'Lo paso a la policía local, gracias' });
    await botSays(/Lo paso a la policía local/);
    expect(sent().slice(before)).toEqual(['Lo paso a la policía local, gracias']);

    await agent.post(`/handoffs/${item.id}/close`, { resolution: 'Derivado a policía local' });
    await botSays(/del 1 \(muy mal\) al 5/);
    await say('3');
    await botSays(/algún comentario/);
    await say('no');
    await botSays(/Gracias por tu opinión/);
    const row = await db.kysely.selectFrom('satisfaction').selectAll().where('handoff_id', '=', item.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ score: 3, comment: null });
  });
});
