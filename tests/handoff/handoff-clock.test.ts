import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { QueueItem, ServerEvent } from '../../console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * Time and routing in handoffs, through the real app: teams closed today (a holiday), a team whose
 * waiting limit is two seconds, an agent who vanishes, places in the queue, hazards first, and the
 * bot handing off on its own (unsure twice, an inquiry).
 *
 * Whether a desk is open is decided by the app's injected clock, pinned to a known instant for the
 * closed-desk cases, so the expected texts are exact whatever day the suite runs on (the weekday
 * names include "miércoles" and "sábado"). Queue timers keep the real clock.
 */

/**
 * Instants at which both desks below are closed (a holiday today and tomorrow in Madrid), with the
 * opening the citizen is told: every weekday, both DST changes, and New Year's Eve either side of
 * UTC midnight.
 */
const CLOSED_AT = [
  { case: 'a Monday', at: '2026-01-05T09:00:00Z', holidays: ['2026-01-05', '2026-01-06'], opening: 'el miércoles 7 de enero a las 00:00' },
  { case: 'a Tuesday', at: '2026-01-13T09:00:00Z', holidays: ['2026-01-13', '2026-01-14'], opening: 'el jueves 15 de enero a las 00:00' },
  { case: 'a Wednesday', at: '2026-01-21T09:00:00Z', holidays: ['2026-01-21', '2026-01-22'], opening: 'el viernes 23 de enero a las 00:00' },
  { case: 'a Thursday', at: '2026-01-29T09:00:00Z', holidays: ['2026-01-29', '2026-01-30'], opening: 'el sábado 31 de enero a las 00:00' },
  { case: 'a Friday', at: '2026-02-06T09:00:00Z', holidays: ['2026-02-06', '2026-02-07'], opening: 'el domingo 8 de febrero a las 00:00' },
  { case: 'a Saturday', at: '2026-02-14T09:00:00Z', holidays: ['2026-02-14', '2026-02-15'], opening: 'el lunes 16 de febrero a las 00:00' },
  { case: 'a Sunday', at: '2026-02-22T09:00:00Z', holidays: ['2026-02-22', '2026-02-23'], opening: 'el martes 24 de febrero a las 00:00' },
  // 03:30 CEST, an hour and a half after the clocks jumped from 02:00 to 03:00.
  { case: 'the spring-forward Sunday', at: '2026-03-29T01:30:00Z', holidays: ['2026-03-29', '2026-03-30'], opening: 'el martes 31 de marzo a las 00:00' },
  // 00:30 CEST on Sunday (still Saturday in UTC), then 02:30 CET, the second time 02:30 comes round.
  { case: 'the fall-back night, before the change', at: '2026-10-24T22:30:00Z', holidays: ['2026-10-25', '2026-10-26'], opening: 'el martes 27 de octubre a las 00:00' },
  { case: 'the fall-back night, after the change', at: '2026-10-25T01:30:00Z', holidays: ['2026-10-25', '2026-10-26'], opening: 'el martes 27 de octubre a las 00:00' },
  // 23:30 CET on 31 December, then 00:30 on 1 January (still 2026 in UTC).
  { case: "New Year's Eve", at: '2026-12-31T22:30:00Z', holidays: ['2026-12-31', '2027-01-01'], opening: 'el sábado 2 de enero a las 00:00' },
  { case: "New Year's night", at: '2026-12-31T23:30:00Z', holidays: ['2026-12-31', '2027-01-01'], opening: 'el sábado 2 de enero a las 00:00' },
] as const;
const closedAt = (name: (typeof CLOSED_AT)[number]['case']) => CLOSED_AT.find((c) => c.case === name)!;

/** Unset: the real clock. */
let pinned: number | undefined;
const clock = (): number => pinned ?? Date.now();

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-clock-'));
let bot: RunningApp;
let db: Db;
let dana: ConsoleClient;
let eva: ConsoleClient;

beforeAll(async () => {
  const catalog = writeTestCatalog(dir, (c) => {
    const team = (code: string) => c.teams.find((t) => t.code === code)!;
    team('movilidad').claimWithinMinutes = 0.03;
    const holidays = [...new Set(CLOSED_AT.flatMap((c) => c.holidays))];
    team('energia').holidays = holidays;
    team('atencion-ciudadana').holidays = holidays;
    c.handoff.graceSeconds = 1;
  });
  bot = await startTestApp({ CATALOG: catalog }, { clock });
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
afterEach(() => {
  pinned = undefined;
});

const lastQueue = (c: ConsoleClient, team: string): QueueItem[] =>
  c.events.filter((e): e is Extract<ServerEvent, { type: 'queue' }> => e.type === 'queue' && e.team === team).at(-1)?.items ?? [];
const handoffOf = (conversationId: string | undefined) =>
  db.kysely.selectFrom('handoffs').selectAll().where('channel_conversation_id', '=', conversationId ?? '').orderBy('created_at', 'desc').executeTakeFirst();

/** Reports `text` and asks for a person at the bot's first question (where, or the confirmation). */
async function reportThenAskForPerson(text: string, confirm = /^¿Dónde está\?|— ¿lo envío\?/): Promise<DlConversation> {
  const citizen = await DlConversation.open(bot.url);
  await citizen.botSays(/Hola/);
  const { reply } = await citizen.ask(text);
  expect(reply.text).toMatch(confirm);
  await citizen.post('quiero hablar con una persona');
  return citizen;
}

describe('handoff clocks and routing', () => {
  it('files a ticket for the team and says when it opens, when the team is closed today', async () => {
    pinned = Date.parse(closedAt('a Monday').at);
    const citizen = await reportThenAskForPerson('Hay un corte de luz en todo mi barrio desde esta mañana');
    const filed = await citizen.botSays(/Quedó registrado con la referencia ELE-\d{4}-\d{6}/);
    expect(filed.text).toContain('El equipo de Energía te va a responder el miércoles 7 de enero a las 00:00');
    expect(await handoffOf(citizen.conversationId)).toBeUndefined();
    citizen.end();
  });

  it('asks what the citizen needs first when the closed desk has nothing to file yet', async () => {
    pinned = Date.parse(closedAt('a Thursday').at);
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply } = await citizen.ask('quiero hablar con una persona');
    expect(reply.text).toContain('no hay nadie del equipo de Atención ciudadana: atienden el sábado 31 de enero a las 00:00.');
    await citizen.botSays(/Cuéntame en un mensaje qué necesitas/);
    const { reply: filed } = await citizen.ask('Quería saber qué días pasa el camión de la basura por mi calle');
    expect(filed.text).toMatch(/referencia HIG-\d{4}-\d{6}/);
    const ticket = await db.kysely.selectFrom('tickets').selectAll().where('conversation_id', '=', citizen.conversationId!).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ type: 'consulta', service: 'higiene', description: 'Quería saber qué días pasa el camión de la basura por mi calle' });
    citizen.end();
  });

  it('tells the citizen and files a ticket when nobody claims the conversation within the team\'s limit', async () => {
    const citizen = await reportThenAskForPerson('El semáforo de la avenida Colón está apagado y los coches no paran');
    // Nobody of Movilidad is online: the citizen is told at once and chooses to wait all the same.
    await citizen.botSays(/no hay nadie del equipo de Movilidad conectado/);
    await citizen.post('Esperar');
    await citizen.botSays(/Eres el número 1 en la cola/);
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
    await first.botSays(/Eres el número 1 en la cola/);
    const second = await reportThenAskForPerson('La vereda de la calle Sol 8 está toda rota');
    await second.botSays(/Eres el número 2 en la cola/);
    const hazard = await reportThenAskForPerson('Se cayó una rama enorme de un árbol sobre la acera de la plaza Mayor', /Arbolado/);
    await hazard.botSays(/Eres el número 1 en la cola/);
    const h1 = (await handoffOf(first.conversationId))!;
    const h3 = (await handoffOf(hazard.conversationId))!;
    expect(h3.priority).toBeLessThan(h1.priority);

    // A hazard in another team (parks) does not move the streets queue; claiming the first one does.
    expect((await dana.post(`/handoffs/${h1.id}/claim`)).status).toBe(200);
    await second.botSays(/Ahora eres el número 1 en la cola/);
    await waitFor(() => lastQueue(eva, 'mantenimiento-urbano').find((i) => i.conversationKey === `webchat:${second.conversationId}` && i.position === 1), 'the new place on the console');

    // Dana has no console open: after the grace period her conversation goes back, ahead of the others.
    await first.botSays(/se desconectó\. Vuelves a la cola: eres el número 1/, 30_000);
    const back = (await handoffOf(first.conversationId))!;
    expect(back).toMatchObject({ status: 'queued', agent_id: null });
    await second.botSays(/Ahora eres el número 2 en la cola/);
    for (const c of [first, second, hazard]) c.end();
  }, 60_000);

  it.each(CLOSED_AT)('tells when the closed desk opens on $case', async ({ at, opening }) => {
    pinned = Date.parse(at);
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply } = await citizen.ask('quiero hablar con una persona');
    expect(reply.text).toBe(`Ahora no hay nadie del equipo de Atención ciudadana: atienden ${opening}.`);
    citizen.end();
  });

  it('hands off on its own when it cannot classify the problem twice', async () => {
    pinned = Date.parse(closedAt('a Friday').at);
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

