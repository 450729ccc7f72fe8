import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { AgentView } from '../../console/protocol';
import { ConsoleClient, createAgent, TEST_PASSWORD } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { asOpenApiPath, loadDocument, type Exchange } from './openapi-support';
import { MediaStore } from '../../bot/media-store';
import { RepresentationStore } from '../../bot/sql/representation-store';
import { loadCatalog } from '../../catalog/load-catalog';
import { openDays } from '../../connectors/appointments/open-days';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';

/*
 * docs/openapi/console.yaml against the real console (issue 14 part 10): the whole app on a free port
 * (ROLE=all, real Redis, SQLite, citizens on Direct Line), every operation of the document called for
 * real (its answers, and the refusals an agent meets), each request and answer validated by
 * openapi-backend (Ajv) against the document, which @seriousme/openapi-schema-validator checks first.
 * A route of the express router missing from the document, or an operation no request reached, fails.
 */

const DESK = 'atencion-ciudadana';
const dir = mkdtempSync(path.join(tmpdir(), 'openapi-console-'));
let bot: RunningApp;
let db: Db;
const exchanges: Exchange[] = [];
const people = {} as Record<'holder' | 'colleague' | 'other' | 'supervisor' | 'admin', ConsoleClient>;
let doc: Awaited<ReturnType<typeof loadDocument>>;

beforeAll(async () => {
  doc = await loadDocument('docs/openapi/console.yaml');
  bot = await startTestApp({
    CATALOG: catalogPath,
    VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: 'jitsi-app-secret-for-the-tests-0123',
  });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  const roles: Record<keyof typeof people, [string[], AgentView['role']]> = {
    holder: [[DESK, 'mantenimiento-urbano'], 'agent'], colleague: [[DESK, 'mantenimiento-urbano'], 'agent'], other: [['aguas'], 'agent'],
    supervisor: [[DESK], 'supervisor'], admin: [[], 'admin'],
  };
  for (const [who, [teams, role]] of Object.entries(roles) as Array<[keyof typeof people, [string[], AgentView['role']]]>) {
    const email = `${who}-${randomUUID().slice(0, 6)}@ajuntament.cat`;
    await createAgent(db, email, who, teams, { role, maxConcurrent: 50 });
    people[who] = await ConsoleClient.login(bot.url, email);
  }
}, 60_000);
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Call { as?: ConsoleClient; body?: unknown; headers?: Record<string, string>; malformed?: boolean; rawBody?: string; redirect?: 'manual' }

/** One real request to the console API, recorded with its answer. */
async function call(method: string, url: string, o: Call = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin: bot.url, ...(o.as ? { cookie: o.as.cookie, 'x-csrf-token': o.as.me.csrf } : {}), ...o.headers };
  const payload = o.rawBody ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${bot.url}${url}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}), ...(o.redirect ? { redirect: o.redirect } : {}) });
  const text = await res.text();
  // The audit log's CSV export and a citizen's data copy as text are the answers that are not JSON.
  const response = text ? (/^text\/(?:csv|plain)/.test(res.headers.get('content-type') ?? '') ? text : JSON.parse(text)) : undefined;
  exchanges.push({ method, url, headers, body: o.rawBody !== undefined ? o.rawBody : o.body, status: res.status, response, ...(o.malformed ? { malformed: true } : {}) });
  return { status: res.status, body: response };
}
const api = (p: string) => `/console/api${p}`;
/** The shipped catalog (its offices give appointments), with a long grace period for handoffs. */
const catalogPath = writeTestCatalog(dir, (c) => void (c.handoff.graceSeconds = 3_600));
/** A 1×1 PNG. */
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A citizen on web chat who asked for a person: a queued handoff of the desk (claimed by the holder unless `queued`). */
async function handoff(queued = false): Promise<{ id: string; citizenId: string }> {
  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  citizen.end();
  const row = await waitFor(() => db.kysely.selectFrom('handoffs').select(['id', 'citizen_id']).where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');
  if (!queued) expect((await people.holder.post(`/handoffs/${row.id}/claim`)).status).toBe(200);
  return { id: row.id, citizenId: row.citizen_id };
}

async function liveConversation(): Promise<string> {
  const citizen = await DlConversation.open(bot.url);
  await citizen.ask('Hay un contenedor quemado en la plaza');
  const key = `webchat:${citizen.conversationId}`;
  citizen.end();
  await waitFor(() => db.kysely.selectFrom('conversations').select('id').where('id', '=', key).executeTakeFirst(), 'the conversation in SQL');
  return key;
}

describe('docs/openapi/console.yaml', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(doc.validity).toEqual({ valid: true });
  });

  it('catches an answer that breaks it (the checker itself)', () => {
    const base = { method: 'GET', url: '/console/api/me', headers: {} };
    expect(doc.problems({ ...base, status: 200, response: { agent: {}, csrf: 'x', teams: [], canned: [], services: [] } })).not.toEqual([]);
    expect(doc.problems({ ...base, status: 418, response: {} })).toEqual(['me: status 418 not documented']);
    expect(doc.problems({ ...base, status: 401, response: { error: { code: 'E_UNAUTHENTICATED', message: 'x', stack: 'y' } } })).not.toEqual([]);
    expect(doc.problems({ ...base, status: 401, response: { error: { code: 'E_UNAUTHENTICATED', message: 'x' } } })).toEqual([]);
  });

  it('describes every route of the express router under /console/api, and no other', () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
    const app = bot.app.server!.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
    const routes: string[] = [];
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) for (const m of Object.keys(layer.route.methods)) routes.push(`${m.toUpperCase()} ${asOpenApiPath(prefix + layer.route.path)}`);
        else if (layer.handle?.stack) walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    };
    walk(app.router.stack, '');
    const consoleRoutes = routes.filter((r) => r.split(' ')[1]!.startsWith('/console/api/'));
    expect(consoleRoutes.length).toBeGreaterThan(20);
    expect(consoleRoutes.filter((r) => !doc.operations.includes(r)), 'routes missing from the document').toEqual([]);
    expect(doc.operations.filter((o) => !consoleRoutes.includes(o)), 'operations the app does not have').toEqual([]);
  });

  it('matches every real request and answer of every operation', async () => {
    const { holder, colleague, other, supervisor, admin } = people;
    // Sessions.
    expect((await call('POST', api('/login'), { body: { email: holder.agent.email, password: TEST_PASSWORD } })).status).toBe(200);
    expect((await call('POST', api('/login'), { body: { email: holder.agent.email, password: 'not the password' } })).status).toBe(401);
    expect((await call('POST', api('/login'), { body: { email: holder.agent.email }, malformed: true })).status).toBe(400);
    expect((await call('POST', api('/login'), { rawBody: '{"email": ', malformed: true })).status).toBe(400);
    expect((await call('GET', api('/me'), { as: holder })).status).toBe(200);
    expect((await call('GET', api('/me'))).status).toBe(401);
    const leaving = await ConsoleClient.login(bot.url, colleague.agent.email);
    expect((await call('POST', api('/logout'), { as: leaving })).status).toBe(204);
    expect((await call('POST', api('/logout'), { as: leaving })).status).toBe(401);

    // Admin.
    expect((await call('GET', api('/admin/agents'), { as: admin })).status).toBe(200);
    expect((await call('GET', api('/admin/agents'), { as: holder })).status).toBe(403);
    const email = `nueva-${randomUUID().slice(0, 6)}@ajuntament.cat`;
    const created = await call('POST', api('/admin/agents'), { as: admin, body: { email, name: 'Nueva', role: 'agent', password: TEST_PASSWORD, teams: [DESK] } });
    expect(created.status).toBe(201);
    expect((await call('POST', api('/admin/agents'), { as: admin, body: { email, name: 'Otra', role: 'agent', password: TEST_PASSWORD, teams: [DESK] } })).status).toBe(409);
    expect((await call('POST', api('/admin/agents'), { as: admin, body: { email: `x${email}`, name: 'Otra', role: 'agent', password: 'short', teams: [] } })).status).toBe(400);
    expect((await call('POST', api('/admin/agents'), { as: admin, body: { email: `y${email}`, name: 'Otra', role: 'chief', password: TEST_PASSWORD, teams: [] }, malformed: true })).status).toBe(400);
    expect((await call('POST', api('/admin/agents'), { as: admin, headers: { 'x-csrf-token': 'forged' }, body: { email: `z${email}`, name: 'Otra', role: 'agent', password: TEST_PASSWORD, teams: [] } })).status).toBe(403);
    expect((await call('PATCH', api(`/admin/agents/${created.body.id}`), { as: admin, body: { name: 'Nueva Pérez', maxConcurrent: 3 } })).status).toBe(200);
    expect((await call('PATCH', api(`/admin/agents/${randomUUID()}`), { as: admin, body: { name: 'Nadie' } })).status).toBe(404);

    // Lists.
    const waiting = await handoff(true);
    const live = await liveConversation();
    const queue = await call('GET', api('/queue'), { as: holder });
    expect(queue.body.items.some((i: { id: string }) => i.id === waiting.id)).toBe(true);
    expect((await call('GET', api('/live'), { as: holder })).status).toBe(200);
    expect((await call('GET', api('/agents?team=aguas'), { as: holder })).status).toBe(200);
    expect((await call('GET', api('/supervisor'), { as: supervisor })).status).toBe(200);
    expect((await call('GET', api('/supervisor'), { as: holder })).status).toBe(403);

    // One handoff, from claim to close.
    expect((await call('POST', api(`/handoffs/${waiting.id}/claim`), { as: holder })).status).toBe(200);
    expect((await call('POST', api(`/handoffs/${waiting.id}/claim`), { as: colleague })).status).toBe(409);
    expect((await call('GET', api('/mine'), { as: holder })).status).toBe(200);
    expect((await call('GET', api(`/handoffs/${waiting.id}`), { as: holder })).status).toBe(200);
    expect((await call('GET', api(`/handoffs/${waiting.id}`), { as: other })).status).toBe(404);
    expect((await call('POST', api(`/handoffs/${waiting.id}/messages`), { as: holder, body: { text: 'Hola, soy del ayuntamiento' } })).status).toBe(201);
    expect((await call('POST', api(`/handoffs/${waiting.id}/messages`), { as: colleague, body: { text: 'Hola' } })).status).toBe(409);
    expect((await call('POST', api(`/handoffs/${waiting.id}/messages`), { as: holder, body: { text: '' }, malformed: true })).status).toBe(400);
    expect((await call('POST', api(`/handoffs/${waiting.id}/messages`), { as: holder, headers: { 'x-csrf-token': '' }, body: { text: 'hola' } })).status).toBe(403);
    // Files (multipart, which the checker does not read): the non-holder is refused before the body is read; the
    // holder's JSON body is no upload (tests/console/agent-files.browser.test.ts sends real files).
    expect((await call('POST', api(`/handoffs/${waiting.id}/files`), { as: colleague, body: { text: 'una foto' } })).status).toBe(409);
    expect((await call('POST', api(`/handoffs/${waiting.id}/files`), { as: holder, body: { text: 'una foto' } })).status).toBe(400);
    expect((await call('POST', api(`/handoffs/${waiting.id}/notes`), { as: holder, body: { text: 'Llama a menudo' } })).status).toBe(201);
    expect((await call('POST', api(`/handoffs/${waiting.id}/typing`), { as: holder })).status).toBe(204);
    expect((await call('GET', api(`/handoffs/${waiting.id}`), { as: holder })).status).toBe(200);
    const filed = await call('POST', api(`/handoffs/${waiting.id}/ticket`), { as: holder, body: { create: { service: 'alumbrado', type: 'reclamo', description: 'Farola apagada' } } });
    expect(filed.status).toBe(200);
    expect((await call('POST', api(`/handoffs/${waiting.id}/ticket`), { as: holder, body: { reference: filed.body.reference } })).status).toBe(200);
    expect((await call('POST', api(`/handoffs/${waiting.id}/ticket`), { as: holder, body: { reference: 'ALU-2026-999999' } })).status).toBe(404);
    expect((await call('POST', api(`/handoffs/${waiting.id}/correction`), { as: holder, body: { service: 'parques', type: 'reclamo' } })).status).toBe(409);
    expect((await call('POST', api(`/tickets/${filed.body.reference}/correction`), { as: holder, body: { service: 'calles', type: 'solicitud' } })).status).toBe(201);
    expect((await call('POST', api(`/handoffs/${waiting.id}/close`), { as: holder, body: { resolution: 'Resuelto' } })).status).toBe(200);
    expect((await call('POST', api(`/handoffs/${waiting.id}/close`), { as: holder, body: { resolution: 'Otra vez' } })).status).toBe(409);

    const described = await handoff();
    await db.kysely.updateTable('handoffs').set({ summary: JSON.stringify({ description: 'El banco del parque está roto', service: 'alumbrado', type: 'reclamo' }) }).where('id', '=', described.id).execute();
    expect((await call('POST', api(`/handoffs/${described.id}/correction`), { as: holder, body: { service: 'parques', type: 'reclamo' } })).status).toBe(201);
    expect((await call('POST', api(`/handoffs/${described.id}/transfer`), { as: holder, body: { team: 'nadie', note: 'x' } })).status).toBe(400);
    expect((await call('POST', api(`/handoffs/${described.id}/transfer`), { as: holder, body: { team: 'aguas', note: 'Para el equipo de aguas' } })).status).toBe(200);

    const released = await handoff();
    expect((await call('POST', api(`/handoffs/${released.id}/release`), { as: holder })).status).toBe(200);
    expect((await call('POST', api(`/conversations/${encodeURIComponent(live)}/pull`), { as: holder })).status).toBe(201);
    expect((await call('POST', api(`/conversations/${encodeURIComponent(live)}/pull`), { as: colleague })).status).toBe(409);
    expect((await call('POST', api('/conversations/telegram%3A1/pull'), { as: holder })).status).toBe(404);

    // A ticket the back office refused: reviewed and sent again, once.
    await db.kysely.updateTable('tickets').set({ delivery: 'rejected', delivery_error: '422 refused' }).where('reference', '=', filed.body.reference).execute();
    expect((await call('GET', api('/reviews'), { as: holder })).body.items.length).toBeGreaterThan(0);
    expect((await call('POST', api(`/reviews/${filed.body.reference}/retry`), { as: holder })).status).toBe(200);
    expect((await call('POST', api(`/reviews/${filed.body.reference}/retry`), { as: holder })).status).toBe(409);

    // Search (issue 15 part 1): a word of a transcript, a ticket reference; opening a result.
    const word = `zbusca${randomUUID().slice(0, 6)}`;
    await db.kysely.insertInto('messages').values({ conversation_id: (await db.kysely.selectFrom('handoffs').select('conversation_id').where('id', '=', described.id).executeTakeFirstOrThrow()).conversation_id,
      direction: 'in', activity_id: `search-${word}`, text: `La farola de la calle ${word} parpadea`, attachments: null, entities: null, created_at: new Date().toISOString(), author: null }).execute();
    const found = await call('GET', api(`/search?q=${word}&limit=5`), { as: supervisor });
    expect(found.body.conversations[0]).toMatchObject({ handoffId: described.id });
    expect((await call('GET', api(`/search?q=${filed.body.reference}`), { as: supervisor })).body.tickets.length).toBe(1);
    expect((await call('GET', api('/search?q='), { as: holder, malformed: true })).status).toBe(400);
    expect((await call('GET', api(`/search?q=${word}`))).status).toBe(401);
    expect((await call('POST', api('/search/open'), { as: supervisor, body: { handoffId: described.id } })).status).toBe(200);
    expect((await call('POST', api('/search/open'), { as: other, body: { handoffId: released.id } })).status).toBe(404);
    expect((await call('POST', api('/search/open'), { as: holder, body: { handoffId: described.id, kind: 'conversation' }, malformed: true })).status).toBe(400);

    // The all-day desk (issue 15 part 1): history of ended conversations, canned responses, the supervisors' desk.
    const page = await call('GET', api('/history?limit=1'), { as: holder });
    expect(page.body.items.length).toBe(1);
    expect((await call('GET', api(`/history?cursor=${encodeURIComponent(page.body.nextCursor)}&team=${DESK}&rating=5&from=2020-01-01T00:00:00.000Z&to=2100-01-01T00:00:00.000Z`), { as: supervisor })).status).toBe(200);
    expect((await call('GET', api('/history?rating=9'), { as: holder, malformed: true })).status).toBe(400);
    expect((await call('GET', api(`/canned?team=${DESK}&locale=ca`), { as: holder })).body.items.length).toBeGreaterThan(0);
    expect((await call('GET', api(`/canned?team=${DESK}&locale=ca`), { as: other })).status).toBe(404);
    expect((await call('PUT', api(`/canned/${DESK}/ca/saludo`), { as: supervisor, body: { title: 'Salutació', text: 'Bon dia, sóc {agent}.' } })).status).toBe(200);
    expect((await call('PUT', api(`/canned/${DESK}/ca/propia`), { as: supervisor, body: { title: 'Pròpia', text: 'Text propi.' } })).status).toBe(200);
    expect((await call('PUT', api(`/canned/${DESK}/ca/saludo`), { as: holder, body: { title: 'x', text: 'y' } })).status).toBe(403);
    expect((await call('PUT', api(`/canned/${DESK}/ca/saludo`), { as: supervisor, body: { title: '' }, malformed: true })).status).toBe(400);
    expect((await call('DELETE', api(`/canned/${DESK}/ca/propia`), { as: supervisor })).status).toBe(200);
    expect((await call('DELETE', api(`/canned/${DESK}/ca/propia`), { as: supervisor })).status).toBe(404);
    expect((await call('GET', api('/supervisor/desk'), { as: supervisor })).body.teams.length).toBe(1);
    expect((await call('GET', api('/supervisor/desk'), { as: holder })).status).toBe(403);

    // Video calls (issue 15 part 2): started, asked again, ended, and the refusals.
    expect((await call('GET', api('/video'), { as: colleague })).status).toBe(200);
    const onCall = await handoff();
    expect((await call('POST', api(`/handoffs/${onCall.id}/video`), { as: holder })).status).toBe(201);
    expect((await call('POST', api(`/handoffs/${onCall.id}/video`), { as: holder })).status).toBe(200);
    expect((await call('POST', api(`/handoffs/${onCall.id}/video`), { as: supervisor })).status).toBe(409);
    expect((await call('POST', api(`/handoffs/${onCall.id}/video`), { as: other })).status).toBe(404);
    expect((await call('DELETE', api(`/handoffs/${onCall.id}/video`), { as: holder })).status).toBe(200);
    expect((await call('DELETE', api(`/handoffs/${onCall.id}/video`), { as: holder })).status).toBe(409);

    // The audit log (issue 15 part 4): a page filtered, the CSV export, the refusals.
    const audited = await call('GET', api(`/admin/audit?agent=${holder.agent.id}&action=transcript.open&citizen=${encodeURIComponent(waiting.citizenId)}&limit=5`), { as: admin });
    expect(audited.body.items[0]).toMatchObject({ handoffId: waiting.id, agentRole: 'agent' });
    expect((await call('GET', api(`/admin/audit/csv?citizen=${encodeURIComponent(waiting.citizenId)}`), { as: admin })).body).toContain(waiting.id);
    expect((await call('GET', api('/admin/audit'), { as: holder })).status).toBe(403);
    expect((await call('GET', api('/admin/audit?action=peek'), { as: admin, malformed: true })).status).toBe(400);
    expect((await call('GET', api('/admin/audit/csv?from=ayer'), { as: admin, malformed: true })).status).toBe(400);

    // The council's dashboards (issue 15 part 3): the figures, a range, a table as CSV, the refusals.
    expect((await call('GET', api('/stats'), { as: supervisor })).body.days).toHaveLength(30);
    expect((await call('GET', api('/stats?from=2026-01-01&to=2026-01-31'), { as: admin })).body.range).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect((await call('GET', api('/stats/csv?table=reasons'), { as: supervisor })).body).toMatch(/^reason,handoffs\n/);
    expect((await call('GET', api('/stats'), { as: holder })).status).toBe(403);
    expect((await call('GET', api('/stats?from=ayer'), { as: supervisor, malformed: true })).status).toBe(400);
    expect((await call('GET', api('/stats/csv?table=everything'), { as: supervisor, malformed: true })).status).toBe(400);

    // A citizen's copy of their data from the console (issue 15 part 4): JSON, text, the refusals.
    const copied = await call('GET', api(`/admin/citizens/${encodeURIComponent(waiting.citizenId)}/data-copy`), { as: admin });
    expect(copied.body).toMatchObject({ citizenId: waiting.citizenId });
    expect((await call('GET', api(`/admin/citizens/${encodeURIComponent(waiting.citizenId)}/data-copy/text?locale=en`), { as: admin })).body).toContain('## Your conversations');
    expect((await call('GET', api(`/admin/citizens/${encodeURIComponent(waiting.citizenId)}/data-copy`), { as: holder })).status).toBe(403);
    expect((await call('GET', api(`/admin/citizens/${encodeURIComponent(waiting.citizenId)}/data-copy/text?locale=fr`), { as: admin, malformed: true })).status).toBe(400);

    // Erasure requests (issue 15 part 4): the list, one, a rejection, a confirmation, an erasure from the record, the refusals.
    const pendingErasure = async (): Promise<string> => {
      const id = randomUUID();
      await db.kysely.insertInto('erasure_requests' as never).values({
        id, citizen_id: `citizen-${id}`, channel: 'webchat', conversation_id: null, user_id: null, locale: 'es', status: 'pending', requested_by: 'citizen', created_at: new Date().toISOString(),
      } as never).execute();
      return id;
    };
    const [toReject, toConfirm] = [await pendingErasure(), await pendingErasure()];
    expect((await call('GET', api('/admin/erasures'), { as: admin })).body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call('GET', api(`/admin/erasures/${toReject}`), { as: admin })).body).toMatchObject({ request: { status: 'pending' } });
    expect((await call('GET', api(`/admin/erasures/${randomUUID()}`), { as: admin })).status).toBe(404);
    expect((await call('GET', api('/admin/erasures'), { as: holder })).status).toBe(403);
    expect((await call('POST', api(`/admin/erasures/${toReject}/reject`), { as: admin, body: {}, malformed: true })).status).toBe(400);
    expect((await call('POST', api(`/admin/erasures/${toReject}/reject`), { as: admin, body: { reason: 'expediente abierto' } })).status).toBe(200);
    expect((await call('POST', api(`/admin/erasures/${toReject}/confirm`), { as: admin })).status).toBe(409);
    expect((await call('POST', api(`/admin/erasures/${toConfirm}/confirm`), { as: admin })).body).toMatchObject({ removed: { messages: 0 } });
    expect((await call('GET', api(`/admin/erasures/${toConfirm}`), { as: admin })).body).toMatchObject({ request: { status: 'done' }, preview: null });
    expect((await call('POST', api(`/admin/citizens/citizen-${randomUUID()}/erasure`), { as: admin })).status).toBe(200);

    // The office desk's appointments: a day by reference, and attendance marked.
    const day = await call('GET', api('/appointments'), { as: holder });
    expect(day.status).toBe(200);
    const plan = loadCatalog(catalogPath).appointments!;
    const store = new SqlAppointments(db, plan);
    // From tomorrow: a slot seconds away could start before it is booked. Any day of the year has open days
    // within the 30-day horizon (holidays and DST only move which ones).
    const [open] = await openDays(store, { procedure: 'registro', office: plan.offices[0]!, from: new Date(Date.now() + 86_400_000), horizonDays: plan.horizonDays });
    const booked = await store.book({ procedure: 'registro', office: 'oac-centro', start: open!.slots[0]!.start, citizenId: `citizen-${randomUUID()}`, conversationKey: 'webchat:x', locale: 'es' });
    expect((await call('GET', api(`/appointments?office=oac-centro&day=${open!.day}`), { as: holder })).body.items.some((i: { reference: string }) => i.reference === booked.reference)).toBe(true);
    expect((await call('GET', api('/appointments?office=nowhere'), { as: holder })).status).toBe(400);
    expect((await call('POST', api(`/appointments/${booked.reference}/attendance`), { as: holder, body: { status: 'late' }, malformed: true })).status).toBe(400);
    expect((await call('POST', api(`/appointments/${booked.reference}/attendance`), { as: holder, body: { status: 'attended' } })).status).toBe(200);
    expect((await call('POST', api(`/appointments/${booked.reference}/attendance`), { as: holder, body: { status: 'no-show' } })).status).toBe(409);
    expect((await call('POST', api('/appointments/CITA-NADA00/attendance'), { as: holder, body: { status: 'attended' } })).status).toBe(404);

    // Requests to act for someone else: supervisors review them, the proof opens through a signed link.
    const proof = await new MediaStore(path.join(bot.dataDir, 'uploads'), bot.url).save({ filename: 'dni.png', data: PNG_1X1 });
    const representations = new RepresentationStore(db);
    const asked = (name: string) => representations.request({ representativeId: `citizen-${randomUUID()}`, representedName: name, relationship: 'family', proofMedia: proof.contentUrl, channel: 'webchat', conversationId: `c-${randomUUID()}`, locale: 'es' });
    const [toApprove, toRefuse] = [await asked('Rosa Pérez'), await asked('Joan Puig')];
    expect((await call('GET', api('/representations'), { as: supervisor })).body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call('GET', api('/representations'), { as: holder })).status).toBe(403);
    expect((await call('GET', api(`/representations/${toApprove.id}/proof`), { as: supervisor, redirect: 'manual' })).status).toBe(303);
    expect((await call('GET', api(`/representations/${randomUUID()}/proof`), { as: supervisor, redirect: 'manual' })).status).toBe(404);
    expect((await call('POST', api(`/representations/${toApprove.id}/approve`), { as: supervisor, body: {}, malformed: true })).status).toBe(400);
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await call('POST', api(`/representations/${toApprove.id}/approve`), { as: supervisor, body: { expiresOn: inAMonth } })).status).toBe(200);
    expect((await call('POST', api(`/representations/${toApprove.id}/refuse`), { as: admin, body: { reason: 'llega tarde' } })).status).toBe(409);
    expect((await call('POST', api(`/representations/${toRefuse.id}/refuse`), { as: admin, body: { reason: 'El documento no es legible' } })).status).toBe(200);

    const problems = exchanges.flatMap((x) => doc.problems(x));
    expect(problems).toEqual([]);
    const reached = new Set(exchanges.map((x) => doc.operationOf(x)));
    expect(doc.operations.filter((o) => !reached.has(o)), 'operations no real request reached').toEqual([]);
  }, 240_000);
});
