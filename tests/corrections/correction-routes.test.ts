import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { HandoffStore } from '../../handoff/handoff-store';
import { ConsoleClient, createAgent } from '../support/console-client';
import { redisClient } from '../support/redis';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { conversationKey } from '../../bot/conversation-key';

/*
 * The console's correction routes (issue 13 part 3) through the real app (ROLE=all, SQLite, Redis):
 * what a correction stores and announces, and what it refuses. Who may call them, per kind of caller,
 * is in tests/console/access-control-matrix.test.ts.
 */

let bot: RunningApp;
let db: Db;
let handoffs: HandoffStore;
let lighting: ConsoleClient;
let water: ConsoleClient;
let notices: Redis;
const announced: string[] = [];

beforeAll(async () => {
  bot = await startTestApp();
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  handoffs = new HandoffStore(db);
  const tag = randomUUID().slice(0, 6);
  await createAgent(db, `luz-${tag}@ajuntament.cat`, 'Lucía', ['mantenimiento-urbano']);
  await createAgent(db, `agua-${tag}@ajuntament.cat`, 'Águeda', ['aguas']);
  lighting = await ConsoleClient.login(bot.url, `luz-${tag}@ajuntament.cat`);
  water = await ConsoleClient.login(bot.url, `agua-${tag}@ajuntament.cat`);
  notices = redisClient();
  notices.on('message', (_channel: string, message: string) => void announced.push(message));
  await notices.subscribe(`${bot.config.REDIS_PREFIX}:classifier-corrections`);
}, 60_000);
afterAll(async () => {
  await notices?.quit();
  await db?.close();
  await bot?.stop();
});

async function handoffOf(team: string, description?: string): Promise<string> {
  const id = randomUUID();
  await handoffs.open({
    id, conversationKey: conversationKey('webchat', id), channel: 'webchat', conversationId: id, userId: 'u', citizenId: `c-${id}`, team, priority: 0, reason: 'asked', locale: 'es',
    summary: description ? { description, service: 'alumbrado', type: 'reclamo' } : {},
  });
  return id;
}

let sequence = 0;
async function ticketOf(service: string, connectorKind: 'builtin' | 'open311'): Promise<string> {
  const reference = `ALU-2026-${String(900_000 + ++sequence).padStart(6, '0')}`;
  const at = new Date().toISOString();
  await db.kysely.insertInto('tickets').values({
    reference, service, type: 'reclamo', status: 'open', description: 'Se ha fundido la bombilla de la farola del portal', address: null, lat: null, lon: null,
    citizen_id: 'c1', channel: 'webchat', conversation_id: 'conv', locale: 'es', contact: null, connector_kind: connectorKind, external_id: null,
    idempotency_key: `k-${reference}`, created_at: at, updated_at: at, delivery: connectorKind === 'builtin' ? null : 'accepted',
    delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
  }).execute();
  return reference;
}

const correctionsOf = (column: 'handoff_id' | 'ticket_reference', id: string) =>
  db.kysely.selectFrom('classifier_corrections').selectAll().where(column, '=', id).execute();

describe('correcting a handoff', () => {
  it("stores the citizen's words with the new service and type, who and when; records a 'corrected' event; announces it", async () => {
    const id = await handoffOf('mantenimiento-urbano', 'Hay un bache enorme delante del portal');
    const before = announced.length;
    const res = await lighting.post(`/handoffs/${id}/correction`, { service: 'calles', type: 'reclamo' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ service: 'calles', type: 'reclamo', agentId: lighting.agent.id });
    const [row] = await correctionsOf('handoff_id', id);
    expect(row).toMatchObject({ text: 'Hay un bache enorme delante del portal', service: 'calles', type: 'reclamo', locale: 'es', agent_id: lighting.agent.id, ticket_reference: null });
    expect(row!.created_at).toBe(res.body.createdAt);
    const detail = await lighting.get(`/handoffs/${id}`);
    expect(detail.body.events).toContainEqual(expect.objectContaining({ kind: 'corrected', agentId: lighting.agent.id, note: 'calles · reclamo' }));
    await waitFor(async () => (announced.length > before ? true : undefined), 'the notice on Redis');
  });

  it('answers an unknown id and another team\'s handoff with the same 404, and stores nothing', async () => {
    const foreign = await handoffOf('mantenimiento-urbano', 'La farola parpadea');
    const hidden = await water.post(`/handoffs/${foreign}/correction`, { service: 'agua', type: 'reclamo' });
    const unknown = await water.post(`/handoffs/${randomUUID()}/correction`, { service: 'agua', type: 'reclamo' });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect(await correctionsOf('handoff_id', foreign)).toEqual([]);
  });

  it('refuses a service not in the catalog, a type that does not exist, a missing field or an extra one (400)', async () => {
    const id = await handoffOf('mantenimiento-urbano', 'La farola parpadea');
    for (const body of [{ service: 'nope', type: 'reclamo' }, { service: 'calles', type: 'queja' }, { service: 'calles' }, { service: 'calles', type: 'reclamo', text: 'x' }, 'calles']) {
      const res = await lighting.post(`/handoffs/${id}/correction`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (typeof body === 'object') expect(res.body.error.code).toBe('E_BAD_INPUT');
    }
    expect(await correctionsOf('handoff_id', id)).toEqual([]);
  });

  it('says there is nothing to learn from when the citizen described nothing (409), and stores nothing', async () => {
    const id = await handoffOf('mantenimiento-urbano');
    const res = await lighting.post(`/handoffs/${id}/correction`, { service: 'calles', type: 'reclamo' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('E_NO_TEXT');
    expect(await correctionsOf('handoff_id', id)).toEqual([]);
  });

  it('refuses a call without the CSRF token or from another origin (403), as every route', async () => {
    const id = await handoffOf('mantenimiento-urbano', 'La farola parpadea');
    const noToken = await fetch(`${bot.url}/console/api/handoffs/${id}/correction`, {
      method: 'POST', headers: { cookie: lighting.cookie, origin: bot.url, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'calles', type: 'reclamo' }),
    });
    const otherOrigin = await fetch(`${bot.url}/console/api/handoffs/${id}/correction`, {
      method: 'POST', headers: { cookie: lighting.cookie, origin: 'http://evil.example', 'x-csrf-token': lighting.me.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'calles', type: 'reclamo' }),
    });
    expect(noToken.status).toBe(403);
    expect(otherOrigin.status).toBe(403);
    expect(await correctionsOf('handoff_id', id)).toEqual([]);
  });
});

describe('correcting a ticket', () => {
  it("changes our own (built-in) ticket's service and type, and stores its description as the example", async () => {
    const reference = await ticketOf('alumbrado', 'builtin');
    const res = await lighting.post(`/tickets/${reference.toLowerCase()}/correction`, { service: 'calles', type: 'solicitud' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reference, service: 'calles', type: 'solicitud', ticketUpdated: true });
    expect(await db.kysely.selectFrom('tickets').select(['service', 'type']).where('reference', '=', reference).executeTakeFirst()).toEqual({ service: 'calles', type: 'solicitud' });
    expect(await correctionsOf('ticket_reference', reference)).toEqual([expect.objectContaining({ text: 'Se ha fundido la bombilla de la farola del portal', service: 'calles', type: 'solicitud', handoff_id: null })]);
  });

  it("keeps a back office's ticket as it was delivered (never sent again), and still learns from the correction", async () => {
    const reference = await ticketOf('alumbrado', 'open311');
    const res = await lighting.post(`/tickets/${reference}/correction`, { service: 'electricidad', type: 'reclamo' });
    expect(res.status).toBe(201);
    expect(res.body.ticketUpdated).toBe(false);
    expect(await db.kysely.selectFrom('tickets').select(['service', 'delivery']).where('reference', '=', reference).executeTakeFirst()).toEqual({ service: 'alumbrado', delivery: 'accepted' });
    expect(await correctionsOf('ticket_reference', reference)).toHaveLength(1);
  });

  it("answers another team's ticket exactly as an unknown reference (404), and a bad body with 400", async () => {
    const reference = await ticketOf('alumbrado', 'builtin');
    const hidden = await water.post(`/tickets/${reference}/correction`, { service: 'agua', type: 'reclamo' });
    const unknown = await water.post('/tickets/ALU-2026-000000/correction', { service: 'agua', type: 'reclamo' });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await lighting.post(`/tickets/${reference}/correction`, { service: 'calles', type: 'reclamo', extra: 1 })).status).toBe(400);
    expect(await correctionsOf('ticket_reference', reference)).toEqual([]);
  });
});
