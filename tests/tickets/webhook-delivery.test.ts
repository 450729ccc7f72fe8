import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { pushStatus, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/*
 * Tickets to a city's signed webhook, through the whole app (ROLE=all, real Redis, SQLite): the citizen
 * gets our reference at once and hears when the city accepts it; a city that is down loses nothing and
 * gets each ticket once; its signed status updates reach the citizen; forged ones change nothing.
 */

const SECRET = 'city-shared-secret-0123456789';
let city: WebhookReceiver;
let bot: RunningApp;
let db: Db;

beforeAll(async () => {
  city = await startWebhookReceiver(SECRET);
  bot = await startTestApp({
    TICKET_CONNECTOR: 'webhook', WEBHOOK_URL: city.url, WEBHOOK_SECRET: SECRET,
    // Production waits 2 s doubling to 5 min between tries; here the same schedule runs 1,000× faster.
    TICKET_RETRY_BASE_MS: '2', TICKET_RETRY_MAX_MS: '300', TICKET_POLL_SECONDS: '0', BACK_OFFICE_TIMEOUT_MS: '500',
  });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await city?.close();
});

/** Files a streetlight complaint (with an address) and returns the reference the bot gave. */
async function fileComplaint(citizen: DlConversation, street = 'calle Colón 12'): Promise<string> {
  await citizen.botSays(/Hola/);
  const { reply } = await citizen.ask(`Hay una farola apagada en la ${street} desde hace una semana`);
  // What and where in one message: the confirmation, then the ticket.
  expect(reply.text).toMatch(new RegExp(`^Reclamo de Alumbrado público en ${street} — ¿lo envío\\?`));
  const { reply: filed } = await citizen.ask('sí');
  expect(filed.text).toMatch(/lo estoy enviando al sistema del ayuntamiento/);
  return /ALU-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
}

const ticketRow = (reference: string) => db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();

describe('tickets to a signed webhook', () => {
  it('delivers a ticket once, signed, and tells the citizen when the city accepted it', async () => {
    const citizen = await DlConversation.open(bot.url);
    const reference = await fileComplaint(citizen);
    await citizen.botSays(new RegExp(`ya recibió tu trámite ${reference}`));
    const stored = city.tickets.filter((t) => t.ticket.reference === reference);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.ticket).toMatchObject({ service: 'alumbrado', type: 'reclamo', location: { address: 'calle Colón 12' } });
    expect(city.unauthorized).toBe(0);
    expect(await ticketRow(reference)).toMatchObject({ delivery: 'accepted', external_id: stored[0]!.id, connector_kind: 'webhook' });
    citizen.end();
  });

  it('keeps retrying while the city is down for over an hour of production time, and delivers exactly once when it is back', async () => {
    city.down('503');
    const citizen = await DlConversation.open(bot.url);
    const reference = await fileComplaint(citizen, 'calle Mayor 7');
    const attemptsWhileDown = () => city.received.filter((r) => r.method === 'POST' && r.body.includes(reference)).length;
    // 20 tries span 2+4+…+256 s and then ten waits of 300 s: 3,810 s of production time (63.5 min).
    await eventually(() => attemptsWhileDown() >= 20, 30_000, 'twenty attempts while down');
    expect((await ticketRow(reference)).delivery).toBe('pending');
    city.up();
    await citizen.botSays(new RegExp(`ya recibió tu trámite ${reference}`), 20_000);
    expect(city.tickets.filter((t) => t.ticket.reference === reference)).toHaveLength(1);
    citizen.end();
  });

  it('creates no second ticket when an answer is lost after the city stored it', async () => {
    city.timeoutAfterCreate(1, 2_000);
    const citizen = await DlConversation.open(bot.url);
    const reference = await fileComplaint(citizen, 'calle Sol 3');
    await citizen.botSays(new RegExp(`ya recibió tu trámite ${reference}`), 20_000);
    expect(city.tickets.filter((t) => t.ticket.reference === reference)).toHaveLength(1);
    expect(city.received.filter((r) => r.method === 'POST' && r.body.includes(reference)).length).toBeGreaterThanOrEqual(2);
    citizen.end();
  });

  it('brings the city\'s signed status update to the citizen, ignores forged ones, and respects an opt-out', async () => {
    const citizen = await DlConversation.open(bot.url);
    const reference = await fileComplaint(citizen, 'calle Luna 9');
    await citizen.botSays(/ya recibió tu trámite/);
    const id = city.tickets.find((t) => t.ticket.reference === reference)!.id;

    const forged = await pushStatus(bot.url, SECRET, { event: 'ticket.status', id, status: 'resolved' }, { tamper: true });
    expect(forged.status).toBe(401);
    const stale = await pushStatus(bot.url, SECRET, { event: 'ticket.status', id, status: 'resolved' }, { timestamp: Math.floor(Date.now() / 1_000) - 3_600 });
    expect(stale.status).toBe(401);
    expect((await ticketRow(reference)).status).toBe('open');

    expect((await pushStatus(bot.url, SECRET, { event: 'ticket.status', id, status: 'in_progress', note: 'Brigada asignada' })).status).toBe(204);
    const told = await citizen.botSays(/cambió de estado: En curso/);
    expect(told.text).toContain('Brigada asignada');
    expect((await ticketRow(reference)).status).toBe('in_progress');

    expect((await citizen.ask('no quiero avisos')).reply.text).toMatch(/ya no te voy a avisar/);
    expect((await pushStatus(bot.url, SECRET, { event: 'ticket.status', reference, status: 'resolved' })).status).toBe(204);
    await eventually(async () => (await ticketRow(reference)).status === 'resolved', 5_000, 'the resolved status');
    await new Promise((r) => setTimeout(r, 500));
    expect(citizen.bot().some((a) => /Resuelto/.test(a.text ?? ''))).toBe(false);
    // «mis reclamos» still shows the live status.
    expect((await citizen.ask('mis reclamos')).reply.text).toMatch(/Resuelto/);
    citizen.end();
  });

  it('sends a ticket the city refuses (4xx) to agents for review, without retrying it', async () => {
    await createAgent(db, 'rev@ajuntament.cat', 'Rev', ['mantenimiento-urbano']);
    const agent = await ConsoleClient.login(bot.url, 'rev@ajuntament.cat');
    city.reject400(1, 'service code not accepted');
    const citizen = await DlConversation.open(bot.url);
    const reference = await fileComplaint(citizen, 'calle Río 4');
    await citizen.botSays(/va a revisar tu trámite/);
    expect(await ticketRow(reference)).toMatchObject({ delivery: 'rejected', delivery_error: expect.stringContaining('service code not accepted') });
    const posts = city.received.filter((r) => r.method === 'POST' && r.body.includes(reference)).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(city.received.filter((r) => r.method === 'POST' && r.body.includes(reference)).length).toBe(posts);

    const reviews = (await agent.get('/reviews')).body.items as Array<{ reference: string; error: string }>;
    expect(reviews.find((r) => r.reference === reference)?.error).toContain('service code not accepted');
    expect((await agent.post(`/reviews/${reference}/retry`)).status).toBe(200);
    await citizen.botSays(new RegExp(`ya recibió tu trámite ${reference}`));
    await waitFor(async () => ((await ticketRow(reference)).delivery === 'accepted' ? true : undefined), 'accepted after review');
    citizen.end();
  });
});
