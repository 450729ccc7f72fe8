import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { ConsoleMessage, QueueItem, ServerEvent } from '../../console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * An emergency while people hold the conversation, through the real app (ROLE=all, real Redis,
 * SQLite, Direct Line, the console's socket): the citizen gets the emergency number at once, whether
 * the conversation waits in a queue or an agent has it, and the agent sees that message flagged as an
 * emergency, live and (as a handoff event) on reload.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'emergency-handoff-'));
let bot: RunningApp;
let db: Db;
let eva: ConsoleClient;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'eva.emergencias@ajuntament.cat', 'Eva', ['atencion-ciudadana'], { maxConcurrent: 20 });
  eva = await ConsoleClient.login(bot.url, 'eva.emergencias@ajuntament.cat');
  await eva.connect();
}, 120_000);
afterAll(async () => {
  eva?.disconnect();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const consoleMessage = (text: string): ConsoleMessage | undefined =>
  eva.events.flatMap((e) => (e.type === 'message' ? [e.message] : [])).find((m) => m.text === text);
const queueItems = (): QueueItem[] =>
  eva.events.filter((e): e is Extract<ServerEvent, { type: 'queue' }> => e.type === 'queue' && e.team === 'atencion-ciudadana').at(-1)?.items ?? [];

async function emergencyEvents(handoffId: string): Promise<number> {
  const rows = await db.kysely.selectFrom('handoff_events').select('kind').where('handoff_id', '=', handoffId).execute();
  return rows.filter((r) => r.kind === 'emergency').length;
}

describe('an emergency while people hold the conversation', () => {
  it('queued, then claimed: the citizen gets 112 each time, the agent sees the messages flagged', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    await citizen.ask('quiero hablar con una persona');
    const item = await waitFor(() => queueItems().find((i) => i.conversationKey === `webchat:${citizen.conversationId}`), 'the conversation in the queue');

    // Waiting in the queue, read by an agent of the team (the console opened it).
    eva.send({ type: 'open', handoffId: item.id });
    await eva.pong();
    const gas = 'huele muchísimo a gas en mi portal';
    const { reply } = await citizen.ask(gas);
    expect(reply.text).toMatch(/llama YA al 112\. Este chat del Ayuntamiento no puede enviar ayuda/);
    expect((await waitFor(() => consoleMessage(gas), 'the flagged message on the console')).emergency).toBe(true);
    expect(await emergencyEvents(item.id)).toBe(1);

    // An agent has it.
    expect((await eva.post(`/handoffs/${item.id}/claim`)).status).toBe(200);
    await citizen.botSays(/te atiende Eva/);
    const ordinary = 'la farola de mi calle sigue apagada';
    await citizen.post(ordinary);
    expect((await waitFor(() => consoleMessage(ordinary), 'the ordinary message on the console')).emergency).toBeUndefined();
    const hurt = 'mi vecino se ha caído en la escalera y no responde';
    const second = await citizen.ask(hurt);
    expect(second.reply.text).toMatch(/llama YA al 112/);
    expect((await waitFor(() => consoleMessage(hurt), 'the second flagged message')).emergency).toBe(true);
    expect(await emergencyEvents(item.id)).toBe(2);
    citizen.end();
  });
});
