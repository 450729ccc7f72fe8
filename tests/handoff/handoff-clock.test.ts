import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { QueueItem, ServerEvent } from '../../queues/console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { cityDate, writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * Time and routing in handoffs, through the real app: teams closed today (a holiday), a team whose
 * waiting limit is two seconds, an agent who vanishes, places in the queue, hazards first, and the
 * bot handing off on its own (unsure twice, an inquiry).
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-clock-'));
let bot: RunningApp;
let db: Db;
let dana: ConsoleClient;
let eva: ConsoleClient;

beforeAll(async () => {
  const catalog = writeTestCatalog(dir, (c) => {
    const team = (code: string) => c.teams.find((t) => t.code === code)!;
    team('movilidad').claimWithinMinutes = 0.03;
    team('energia').holidays = [cityDate(0), cityDate(1)];
    team('atencion-ciudadana').holidays = [cityDate(0), cityDate(1)];
    c.handoff.graceSeconds = 1;
  });
  bot = await startTestApp({ CATALOG: catalog });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'dana@ajuntament.cat', 'Dana', ['parques-y-jardines', 'mantenimiento-urbano']);
  await createAgent(db, 'eva@ajuntament.cat', 'Eva', ['mantenimiento-urbano', 'parques-y-jardines', 'servicios-ambientales']);
  dana = await ConsoleClient.login(bot.url, 'dana@ajuntament.cat');
  eva = await ConsoleClient.login(bot.url, 'eva@ajuntament.cat');
  await eva.connect();
});
afterAll(async () => {
  eva?.disconnect();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lastQueue = (c: ConsoleClient, team: string): QueueItem[] =>
  c.events.filter((e): e is Extract<ServerEvent, { type: 'queue' }> => e.type === 'queue' && e.team === team).at(-1)?.items ?? [];
const handoffOf = (conversationId: string | undefined) =>
  db.kysely.selectFrom('handoffs').selectAll().where('channel_conversation_id', '=', conversationId ?? '').orderBy('created_at', 'desc').executeTakeFirst();

/** Reports `text`, confirms the service, and asks for a person at the location question. */
async function reportThenAskForPerson(text: string, confirm = /¿Es correcto\?/): Promise<DlConversation> {
  const citizen = await DlConversation.open(bot.url);
  await citizen.botSays(/Hola/);
  const { reply } = await citizen.ask(text);
  expect(reply.text).toMatch(confirm);
  await citizen.ask('sí');
  await citizen.post('quiero hablar con una persona');
  return citizen;
}

describe('handoff clocks and routing', () => {
  it('files a ticket for the team and says when it opens, when the team is closed today', async () => {
    const citizen = await reportThenAskForPerson('Hay un corte de luz en todo mi barrio desde esta mañana');
    const filed = await citizen.botSays(/Quedó registrado con la referencia ELE-\d{4}-\d{6}/);
    expect(filed.text).toMatch(/El equipo de Energía te va a responder el \w+ \d+ de \w+ a las 00:00/);
    expect(await handoffOf(citizen.conversationId)).toBeUndefined();
    citizen.end();
  });

  it('asks what the citizen needs first when the closed desk has nothing to file yet', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply } = await citizen.ask('quiero hablar con una persona');
    expect(reply.text).toMatch(/no hay nadie del equipo de Atención ciudadana: atienden el \w+ \d+ de \w+ a las 00:00/);
    await citizen.botSays(/Contame en un mensaje qué necesitás/);
    const { reply: filed } = await citizen.ask('Quería saber qué días pasa el camión de la basura por mi calle');
    expect(filed.text).toMatch(/referencia HIG-\d{4}-\d{6}/);
    const ticket = await db.kysely.selectFrom('tickets').selectAll().where('conversation_id', '=', citizen.conversationId!).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ type: 'consulta', service: 'higiene', description: 'Quería saber qué días pasa el camión de la basura por mi calle' });
    citizen.end();
  });

  it('tells the citizen and files a ticket when nobody claims the conversation within the team\'s limit', async () => {
    const citizen = await reportThenAskForPerson('El semáforo de la avenida Colón está apagado y los coches no paran');
    await citizen.botSays(/Sos el número 1 en la cola/);
    await citizen.botSays(/nadie del equipo de Movilidad pudo atenderte a tiempo/, 20_000);
    const filed = await citizen.botSays(/referencia TRA-\d{4}-\d{6}/, 10_000);
    const reference = /TRA-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
    await eventually(async () => (await handoffOf(citizen.conversationId))?.ticket_reference === reference, 5_000, 'the ticket on the handoff');
    expect((await handoffOf(citizen.conversationId))?.status).toBe('expired');
    // The bot speaks again.
    const { reply } = await citizen.ask('mis reclamos');
    expect(reply.text).toContain(reference);
    citizen.end();
  });

  it('tells waiting citizens their new place, puts hazards first, and gives an absent agent\'s conversation back to the queue', async () => {
    const first = await reportThenAskForPerson('Hay un bache enorme en la calle Mayor 3');
    await first.botSays(/Sos el número 1 en la cola/);
    const second = await reportThenAskForPerson('La vereda de la calle Sol 8 está toda rota');
    await second.botSays(/Sos el número 2 en la cola/);
    const hazard = await reportThenAskForPerson('Se cayó una rama enorme de un árbol sobre la acera de la plaza', /Arbolado/);
    await hazard.botSays(/Sos el número 1 en la cola/);
    const h1 = (await handoffOf(first.conversationId))!;
    const h3 = (await handoffOf(hazard.conversationId))!;
    expect(h3.priority).toBeLessThan(h1.priority);

    // A hazard in another team (parks) does not move the streets queue; claiming the first one does.
    expect((await dana.post(`/handoffs/${h1.id}/claim`)).status).toBe(200);
    await second.botSays(/Ahora sos el número 1 en la cola/);
    await waitFor(() => lastQueue(eva, 'mantenimiento-urbano').find((i) => i.conversationKey === `webchat:${second.conversationId}` && i.position === 1), 'the new place on the console');

    // Dana has no console open: after the grace period her conversation goes back, ahead of the others.
    await first.botSays(/se desconectó\. Volvés a la cola: sos el número 1/, 30_000);
    const back = (await handoffOf(first.conversationId))!;
    expect(back).toMatchObject({ status: 'queued', agent_id: null });
    await second.botSays(/Ahora sos el número 2 en la cola/);
    for (const c of [first, second, hazard]) c.end();
  }, 60_000);

  it('hands off on its own when it cannot classify the problem twice', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply } = await citizen.ask('Tengo una duda sobre una cosa del otro día con el vecino de enfrente');
    const other = reply.suggestedActions?.actions?.find((a) => /Otro/.test(a.title ?? ''));
    expect(other).toBeDefined();
    await citizen.ask(other!.title!);
    const { reply: again } = await citizen.ask('Pues eso, lo que le dije del vecino del quinto');
    const other2 = again.suggestedActions?.actions?.find((a) => /Otro/.test(a.title ?? ''));
    expect(other2).toBeDefined();
    await citizen.post(other2!.title!);
    // The default desk is closed today: the unclassified request is filed for it instead.
    await eventually(async () => (await db.kysely.selectFrom('tickets').select('type').where('conversation_id', '=', citizen.conversationId!).executeTakeFirst())?.type === 'consulta', 10_000, 'an inquiry ticket');
    citizen.end();
  });

  it('gives a conversation back to the queue when its agent\'s console disconnects for longer than the grace period', async () => {
    await createAgent(db, 'fer@ajuntament.cat', 'Fer', ['mantenimiento-urbano']);
    const fer = await ConsoleClient.login(bot.url, 'fer@ajuntament.cat');
    await fer.connect();
    const citizen = await reportThenAskForPerson('Hay un bache enorme en la calle Luna 5');
    await citizen.botSays(/en la cola/);
    const h = (await handoffOf(citizen.conversationId))!;
    expect((await fer.post(`/handoffs/${h.id}/claim`)).status).toBe(200);
    await citizen.botSays(/te atiende Fer/);
    // Connected: heartbeats keep the conversation with Fer well past the 1 s grace period.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await handoffOf(citizen.conversationId))?.status).toBe('assigned');
    fer.disconnect();
    await citizen.botSays(/se desconectó/, 30_000);
    expect((await handoffOf(citizen.conversationId))).toMatchObject({ status: 'queued', agent_id: null });
    citizen.end();
  }, 60_000);
});

