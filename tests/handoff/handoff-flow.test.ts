import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { QueueItem, ServerEvent } from '../../console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * The handoff loop end to end through the real app (ROLE=all, real Redis, SQLite): a citizen on
 * Microsoft's Direct Line client, agents on the console's REST API and live socket.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-flow-'));
let bot: RunningApp;
let db: Db;
let ana: ConsoleClient;
let bea: ConsoleClient;
let carlos: ConsoleClient;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana', 'mantenimiento-urbano']);
  await createAgent(db, 'bea@ajuntament.cat', 'Bea', ['atencion-ciudadana', 'mantenimiento-urbano']);
  await createAgent(db, 'carlos@ajuntament.cat', 'Carlos', ['aguas']);
  ana = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
  bea = await ConsoleClient.login(bot.url, 'bea@ajuntament.cat');
  carlos = await ConsoleClient.login(bot.url, 'carlos@ajuntament.cat');
  await Promise.all([ana.connect(), bea.connect(), carlos.connect()]);
});
afterAll(async () => {
  for (const c of [ana, bea, carlos]) c?.disconnect();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const queueEvents = (c: ConsoleClient, team: string) => c.events.filter((e): e is Extract<ServerEvent, { type: 'queue' }> => e.type === 'queue' && e.team === team);
const lastQueue = (c: ConsoleClient, team: string): QueueItem[] => queueEvents(c, team).at(-1)?.items ?? [];

async function handedOff(citizen: DlConversation, text = 'quiero hablar con una persona'): Promise<string> {
  const { reply } = await citizen.ask(text);
  expect(reply.text).toMatch(/(Eres|Ets) el número \d+ (en|de) la (cola|cua)/);
  const item = await waitFor(() => lastQueue(ana, 'atencion-ciudadana').find((i) => i.conversationKey === `webchat:${citizen.conversationId}`), 'the conversation in the queue');
  return item.id;
}

describe('handoff to people, through the app', () => {
  it('queues a citizen who asks for a person, lets exactly one of two racing agents claim it, and the bot falls silent', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const id = await handedOff(citizen);
    const item = lastQueue(bea, 'atencion-ciudadana').find((i) => i.id === id)!;
    expect(item).toMatchObject({ reason: 'asked', status: 'queued', position: 1, channel: 'webchat', preview: 'quiero hablar con una persona' });
    // Carlos (water team only) never hears of it.
    expect(carlos.events.some((e) => JSON.stringify(e).includes(id))).toBe(false);

    const [a, b] = await Promise.all([ana.post(`/handoffs/${id}/claim`), bea.post(`/handoffs/${id}/claim`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [ana, bea] : [bea, ana];
    expect((a.status === 409 ? a : b).body.error.code).toBe('E_ALREADY_CLAIMED');
    await citizen.botSays(new RegExp(`te atiende ${winner.agent.name}`));
    await eventually(() => lastQueue(loser, 'atencion-ciudadana').every((i) => i.id !== id), 5_000, 'the queue list without it');

    // The citizen writes: no bot answer, the agent's socket gets it.
    const before = citizen.bot().length;
    await citizen.post('Hay un bache enorme en mi calle');
    await waitFor(() => winner.events.find((e) => e.type === 'message' && e.message.text === 'Hay un bache enorme en mi calle'), 'the message on the console');
    const reply = await winner.post(`/handoffs/${id}/messages`, { text: 'Gracias, ¿en qué calle exactamente?' });
    expect(reply.status).toBe(201);
    const agentMessage = await citizen.botSays(/en qué calle exactamente/);
    expect(agentMessage.from?.name).toBe(winner.agent.name);
    expect(citizen.bot().slice(before).map((x) => x.text)).toEqual(['Gracias, ¿en qué calle exactamente?']);

    // The loser cannot speak for the winner; nobody from another team can read it.
    expect((await loser.post(`/handoffs/${id}/messages`, { text: 'hola' })).body.error.code).toBe('E_NOT_HOLDER');
    expect((await carlos.get(`/handoffs/${id}`)).status).toBe(404);
    carlos.send({ type: 'open', handoffId: id });
    await winner.post(`/handoffs/${id}/messages`, { text: 'Sigo aquí' });
    await citizen.botSays(/Sigo aquí/);
    expect(carlos.events.some((e) => JSON.stringify(e).includes('Sigo aquí'))).toBe(false);

    // The transcript and a note, as the console reads them.
    await winner.post(`/handoffs/${id}/notes`, { text: 'Vecino de la calle Mayor, llama a menudo' });
    const detail = (await winner.get(`/handoffs/${id}`)).body;
    expect(detail.transcript.map((m: { from: string; text?: string }) => `${m.from}: ${m.text ?? ''}`)).toEqual(expect.arrayContaining([
      'citizen: quiero hablar con una persona', 'citizen: Hay un bache enorme en mi calle', 'agent: Gracias, ¿en qué calle exactamente?',
    ]));
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['queued', 'claimed', 'note']);
    expect(detail.citizen.identities).toEqual([{ channel: 'webchat', verified: false }]);

    // Release: the bot answers again.
    expect((await winner.post(`/handoffs/${id}/release`)).body.status).toBe('released');
    await citizen.botSays(/Vuelves a hablar con el asistente/);
    const { reply: botAgain } = await citizen.ask('Hay una farola apagada en la calle Colón 12');
    expect(botAgain.text).toContain('Alumbrado público');
    citizen.end();
  });

  it('transfers to another team with a note, then closes with a resolution and stores the satisfaction answer', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const id = await handedOff(citizen, 'vull parlar amb algú');
    expect((await ana.post(`/handoffs/${id}/claim`)).status).toBe(200);
    const moved = await ana.post(`/handoffs/${id}/transfer`, { team: 'aguas', note: 'Es una fuga de agua' });
    expect(moved.body).toMatchObject({ status: 'queued', team: 'aguas' });
    await citizen.botSays(/equip de Cicle de l'aigua/);
    const inCarlosQueue = await waitFor(() => lastQueue(carlos, 'aguas').find((i) => i.id === id), 'the transfer in the water queue');
    expect(inCarlosQueue.position).toBe(1);
    // Ana is not in the water team: the conversation is out of her sight now.
    expect((await ana.post(`/handoffs/${id}/messages`, { text: 'sigo?' })).status).toBe(404);

    expect((await carlos.post(`/handoffs/${id}/claim`)).status).toBe(200);
    expect((await carlos.get(`/handoffs/${id}`)).body.events.find((e: { kind: string }) => e.kind === 'transferred').note).toBe('Es una fuga de agua');
    const closed = await carlos.post(`/handoffs/${id}/close`, { resolution: 'Aviso de fuga pasado a la brigada' });
    expect(closed.body.status).toBe('closed');
    const question = await citizen.botSays(/de l'1 .* al 5/);
    expect(question.suggestedActions?.actions?.map((x) => x.title)).toEqual(['1', '2', '3', '4', '5']);
    await citizen.ask('4');
    await citizen.ask('Molt ràpids, gràcies');
    await citizen.botSays(/Gràcies per la teva opinió/);
    const row = await db.kysely.selectFrom('satisfaction').selectAll().where('handoff_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ team: 'aguas', score: 4, comment: 'Molt ràpids, gràcies', agent_id: carlos.agent.id });
    const handoff = await db.kysely.selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(handoff).toMatchObject({ status: 'closed', resolution: 'Aviso de fuga pasado a la brigada', team: 'aguas' });
    citizen.end();
  });

  it('lets a waiting citizen leave the queue, and still answers an emergency while people hold the conversation', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const id = await handedOff(citizen);
    const { reply } = await citizen.ask('huele a gas en el portal');
    expect(reply.text).toContain('112');
    const { reply: left } = await citizen.ask('cancelar');
    expect(left.text).toMatch(/Has salido de la cola/);
    await eventually(async () => (await db.kysely.selectFrom('handoffs').select('status').where('id', '=', id).executeTakeFirst())?.status === 'cancelled', 5_000, 'the handoff cancelled');
    await eventually(() => lastQueue(ana, 'atencion-ciudadana').every((i) => i.id !== id), 5_000, 'the queue without it');
    citizen.end();
  });

  it('refuses the live socket without a session or from another origin', async () => {
    const ws = (await import('ws')).WebSocket;
    const attempt = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const socket = new ws(`${bot.url.replace('http', 'ws')}/console/ws`, { headers });
      socket.once('open', () => { socket.close(); resolve(101); });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
    expect(await attempt({ origin: bot.url })).toBe(401);
    const { cookie } = ana;
    expect(await attempt({ origin: 'https://evil.example', cookie })).toBe(401);
    expect(await attempt({ cookie })).toBe(401);
    expect(await attempt({ origin: bot.url, cookie })).toBe(101);
  });

  it('lets an agent of the citizen desk take a conversation from the bot, up to their limit', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    await citizen.ask('Hay un contenedor quemado en la plaza');
    const key = `webchat:${citizen.conversationId}`;
    // The citizen's words reach SQL within the transcript outbox's flush window (the console re-reads the list every 30 s).
    const live = await waitFor(async () => {
      const items = (await ana.get('/live')).body.items as Array<{ conversationKey: string; preview?: string }>;
      return items.some((c) => c.conversationKey === key && c.preview !== undefined) ? items : undefined;
    }, 'the conversation and its last words in the live list');
    expect(live.find((c) => c.conversationKey === key)?.preview).toBe('Hay un contenedor quemado en la plaza');
    expect((await carlos.get('/live')).body.items).toEqual([]);

    const pulled = await bea.post(`/conversations/${encodeURIComponent(key)}/pull`);
    expect(pulled.status).toBe(201);
    expect(pulled.body).toMatchObject({ status: 'assigned', reason: 'pulled', agentName: 'Bea' });
    await citizen.botSays(/te atiende Bea/);
    expect((await ana.post(`/conversations/${encodeURIComponent(key)}/pull`)).body.error.code).toBe('E_ALREADY_HELD');
    // The bot is silent now, mid-intake.
    await citizen.post('sí');
    await waitFor(() => bea.events.find((e) => e.type === 'message' && e.message.conversationKey === key && e.message.text === 'sí'), 'the citizen\'s answer on the console');

    // A ticket created from the console is filed for the citizen, who is told its reference.
    const ticket = await bea.post(`/handoffs/${pulled.body.id}/ticket`, { create: { service: 'higiene', type: 'reclamo', description: 'Contenedor quemado en la plaza' } });
    expect(ticket.body.reference).toMatch(/^HIG-\d{4}-\d{6}$/);
    await citizen.botSays(new RegExp(ticket.body.reference));
    expect((await bea.get(`/handoffs/${pulled.body.id}`)).body.citizen.tickets.map((t: { reference: string }) => t.reference)).toContain(ticket.body.reference);
    expect((await bea.post(`/handoffs/${pulled.body.id}/ticket`, { reference: 'ALU-2026-999999' })).status).toBe(404);

    // Bea may hold 5; with 5 held, a sixth claim is refused.
    const held = (await bea.get('/mine')).body.items.length as number;
    const extra: DlConversation[] = [];
    for (let i = held; i < 6; i++) {
      const c = await DlConversation.open(bot.url);
      await c.botSays(/Hola/);
      const id = await handedOff(c);
      const r = await bea.post(`/handoffs/${id}/claim`);
      expect(r.status).toBe(i < 5 ? 200 : 409);
      if (i >= 5) expect(r.body.error.code).toBe('E_AT_CAPACITY');
      extra.push(c);
    }
    for (const c of [citizen, ...extra]) c.end();
  });

  it('transfers a conversation straight to a named agent of a team, who holds it at once', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const id = await handedOff(citizen);
    expect((await ana.post(`/handoffs/${id}/claim`)).status).toBe(200);
    await citizen.botSays(/te atiende Ana/);
    // Carlos is not in the citizen desk, and Bea holds all she can (the test above): both refused.
    expect((await ana.post(`/handoffs/${id}/transfer`, { agentId: carlos.agent.id, note: 'para ti' })).body.error.code).toBe('E_BAD_TRANSFER');
    expect((await ana.post(`/handoffs/${id}/transfer`, { agentId: bea.agent.id, note: 'para ti' })).body.error.code).toBe('E_AT_CAPACITY');
    await createAgent(db, 'dora@ajuntament.cat', 'Dora', ['atencion-ciudadana']);
    const dora = await ConsoleClient.login(bot.url, 'dora@ajuntament.cat');
    await dora.connect();
    const moved = await ana.post(`/handoffs/${id}/transfer`, { agentId: dora.agent.id, note: 'Dora conoce el caso' });
    expect(moved.body).toMatchObject({ status: 'assigned', agentName: 'Dora', team: 'atencion-ciudadana' });
    await citizen.botSays(/Ahora te atiende Dora/);
    await waitFor(() => dora.events.find((e) => e.type === 'handoff' && e.handoff.id === id && e.handoff.agentId === dora.agent.id), 'Dora told on her console');
    expect((await dora.get('/mine')).body.items.map((h: { id: string }) => h.id)).toContain(id);
    expect((await ana.post(`/handoffs/${id}/messages`, { text: 'sigo yo' })).body.error.code).toBe('E_NOT_HOLDER');
    expect((await dora.post(`/handoffs/${id}/messages`, { text: 'Hola, soy Dora' })).status).toBe(201);
    await citizen.botSays(/Hola, soy Dora/);
    dora.disconnect();
    citizen.end();
  });
});

