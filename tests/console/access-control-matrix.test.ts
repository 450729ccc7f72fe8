import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStore } from '../../bot/media-store';
import { openDatabase, type Db } from '../../bot/sql/database';
import { RepresentationStore } from '../../bot/sql/representation-store';
import { loadCatalog } from '../../catalog/load-catalog';
import { openDays } from '../../connectors/appointments/open-days';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import { AgentStore } from '../../console/agent-store';
import type { AgentView } from '../../console/protocol';
import { ConsoleClient, createAgent, TEST_COST, TEST_PASSWORD } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * Who may do what on the console's REST API (issue 12 part 3): every route registered under
 * /console/api × every kind of caller, with the expected answer, through the real app (ROLE=all, real
 * Redis, SQLite, citizens on Direct Line). The matrix is complete by construction: the routes are read
 * from the app's own express router, and a route without a row fails the first test.
 *
 * The callers, for a handoff of the citizen desk (`atencion-ciudadana`):
 *   holder      an agent of its team (desk + street maintenance) who holds it when it is held
 *   colleague   another agent of the same teams, who does not hold it
 *   other       an agent of another team (water)
 *   supervisor  a supervisor of its team
 *   admin       an admin of no team
 *   disabled    an agent of its team, disabled while logged in (a live session each time)
 *   loggedOut   no session cookie
 */

const DESK = 'atencion-ciudadana';
const PERSONAS = ['holder', 'colleague', 'other', 'supervisor', 'admin', 'disabled', 'loggedOut'] as const;
type Persona = (typeof PERSONAS)[number];
/** A status, or a status and whether the answer mentions the row's target (lists). */
type Cell = number | `${number} sees` | `${number} hidden`;
interface Target { path: string; body?: unknown; marker?: string }
interface Row {
  /** The route as registered, under /console/api: `POST /handoffs/:id/claim`. */
  route: string;
  /** Which case of the route, when it has more than one row. */
  case?: string;
  /** What the call acts on; `fresh`: a new one for every caller (the call changes it). */
  target: () => Promise<Target>;
  fresh?: boolean;
  /** A new session for each caller (the call ends it). */
  freshSession?: boolean;
  expect: Record<Persona, Cell>;
}

/** The five callers with a session, in PERSONAS order; disabled and logged out get 401 unless said. */
const cells = (holder: Cell, colleague: Cell, other: Cell, supervisor: Cell, admin: Cell, disabled: Cell = 401, loggedOut: Cell = 401): Record<Persona, Cell> =>
  ({ holder, colleague, other, supervisor, admin, disabled, loggedOut });

/** A 1×1 PNG. */
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const dir = mkdtempSync(path.join(tmpdir(), 'access-matrix-'));
let bot: RunningApp;
// The shipped catalog (its offices give appointments), with a long grace period for handoffs.
const catalogFile = writeTestCatalog(dir, (c) => void (c.handoff.graceSeconds = 3_600));
let db: Db;
let agents: AgentStore;
const clients = new Map<Persona, ConsoleClient>();
const accounts = new Map<Persona, AgentView>();

beforeAll(async () => {
  // Agents who never open a console keep what they claim for the whole run.
  bot = await startTestApp({
    CATALOG: catalogFile,
    // Video calls on (issue 15 part 2), so their routes answer as they do in a city that has them.
    VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: 'jitsi-app-secret-for-the-tests-0123',
  });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  agents = new AgentStore(db, { cost: TEST_COST });
  const teams: Record<Exclude<Persona, 'loggedOut'>, [string[], AgentView['role']]> = {
    holder: [[DESK, 'mantenimiento-urbano'], 'agent'], colleague: [[DESK, 'mantenimiento-urbano'], 'agent'], other: [['aguas'], 'agent'],
    supervisor: [[DESK], 'supervisor'], admin: [[], 'admin'], disabled: [[DESK], 'agent'],
  };
  for (const [persona, [teamCodes, role]] of Object.entries(teams) as Array<[Persona, [string[], AgentView['role']]]>) {
    const email = `${persona}-${randomUUID().slice(0, 6)}@ajuntament.cat`;
    accounts.set(persona, await createAgent(db, email, persona, teamCodes, { role, maxConcurrent: 50 }));
    clients.set(persona, await ConsoleClient.login(bot.url, email));
  }
  await agents.update(accounts.get('disabled')!.id, { disabled: true });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const emailOf = (p: Persona) => accounts.get(p)!.email;

/** A live session of `persona` for one call (the disabled agent is enabled to log in, then disabled again). */
async function sessionOf(persona: Persona, fresh: boolean): Promise<ConsoleClient | undefined> {
  if (persona === 'loggedOut') return undefined;
  if (persona !== 'disabled') return fresh ? ConsoleClient.login(bot.url, emailOf(persona)) : clients.get(persona)!;
  const { id } = accounts.get('disabled')!;
  await agents.update(id, { disabled: false });
  const client = await ConsoleClient.login(bot.url, emailOf('disabled'));
  await agents.update(id, { disabled: true });
  return client;
}

async function call(persona: Persona, method: string, target: Target, fresh: boolean): Promise<{ status: number; body: any }> {
  const client = await sessionOf(persona, fresh);
  if (client) return client.call(method, target.path, target.body);
  const res = await fetch(`${bot.url}/console/api${target.path}`, {
    method, headers: { origin: bot.url, ...(target.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(target.body !== undefined ? { body: JSON.stringify(target.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

// ---- what the calls act on ----

/** A pending erasure request of a citizen with nothing else stored (as the bot stores one). */
async function erasureRequest(): Promise<{ id: string; citizenId: string }> {
  const r = { id: randomUUID(), citizenId: `citizen-${randomUUID()}` };
  await db.kysely.insertInto('erasure_requests' as never).values({
    id: r.id, citizen_id: r.citizenId, channel: 'webchat', conversation_id: null, user_id: null, locale: 'es', status: 'pending', requested_by: 'citizen', created_at: new Date().toISOString(),
  } as never).execute();
  return r;
}

/** A pending request to act for someone, its proof a real stored PNG (as the bot stores one). */
async function representationRequest(): Promise<{ id: string; name: string }> {
  const media = new MediaStore(path.join(bot.dataDir, 'uploads'), bot.url);
  const proof = await media.save({ filename: 'dni.png', data: PNG_1X1 });
  const name = `Rosa ${randomUUID().slice(0, 8)}`;
  const r = await new RepresentationStore(db).request({
    representativeId: `citizen-${randomUUID()}`, representedName: name, relationship: 'family', proofMedia: proof.contentUrl, channel: 'webchat', conversationId: `c-${randomUUID()}`, locale: 'es',
  });
  return { id: r.id, name };
}

/** A booked appointment at the centre office, on the first day with a free place from now. */
async function bookedAppointment(): Promise<{ reference: string; day: string }> {
  const plan = loadCatalog(catalogFile).appointments!;
  const store = new SqlAppointments(db, plan);
  // From tomorrow: a slot seconds away could start before it is booked. Any day of the year has open days
  // within the 30-day horizon (holidays and DST only move which ones).
  const [first] = await openDays(store, { procedure: 'empadronamiento', office: plan.offices[0]!, from: new Date(Date.now() + 86_400_000), horizonDays: plan.horizonDays });
  const slot = first!.slots.find((x) => x.free > 0)!;
  const a = await store.book({ procedure: 'empadronamiento', office: 'oac-centro', start: slot.start, citizenId: `citizen-${randomUUID()}`, conversationKey: 'webchat:x', locale: 'es' });
  return { reference: a.reference, day: first!.day };
}

/** A day a month from now, as the console's date input gives it. */
const inAMonth = (): string => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** A citizen on web chat who asked for a person: a queued handoff of the desk, or held by the holder. */
async function handoff(status: 'queued' | 'assigned' = 'assigned'): Promise<{ id: string; citizenId: string; key: string }> {
  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  // With nobody of the desk at a console the citizen is told so, and chooses to wait in the queue all the same.
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  citizen.end();
  const row = await waitFor(() => db.kysely.selectFrom('handoffs').select(['id', 'citizen_id']).where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');
  if (status === 'assigned') expect((await clients.get('holder')!.post(`/handoffs/${row.id}/claim`)).status).toBe(200);
  return { id: row.id, citizenId: row.citizen_id, key };
}

/** A citizen talking with the bot now, as the console's live list shows them. */
async function liveConversation(): Promise<string> {
  const citizen = await DlConversation.open(bot.url);
  await citizen.ask('Hay un contenedor quemado en la plaza');
  const key = `webchat:${citizen.conversationId}`;
  citizen.end();
  await waitFor(() => db.kysely.selectFrom('conversations').select('id').where('id', '=', key).executeTakeFirst(), 'the conversation in SQL');
  return key;
}

let factory: Promise<{ id: string }> | undefined;
/** A ticket of `service` filed by the holder for the citizen of `handoffId` (by default, one citizen of their own). */
async function ticket(service: string, handoffId?: string): Promise<string> {
  const id = handoffId ?? (await (factory ??= handoff())).id;
  const created = await clients.get('holder')!.post(`/handoffs/${id}/ticket`, { create: { service, type: 'reclamo', description: `caso ${randomUUID()}` } });
  expect(created.status).toBe(200);
  return created.body.reference as string;
}

/** A ticket the back office refused, waiting for review. */
async function rejectedTicket(service: string): Promise<string> {
  const reference = await ticket(service);
  await db.kysely.updateTable('tickets').set({ delivery: 'rejected', delivery_error: '422 refused' }).where('reference', '=', reference).execute();
  return reference;
}

/** A handoff of the desk the holder attended and closed: what the history lists. */
async function closedHandoff(): Promise<string> {
  const { id } = await handoff();
  expect((await clients.get('holder')!.post(`/handoffs/${id}/close`, { resolution: 'Resuelto' })).status).toBe(200);
  return id;
}

/** A canned response of the desk's own in Spanish (not the catalog's), saved by the admin. */
async function ownCanned(): Promise<string> {
  const code = `propia-${randomUUID().slice(0, 8)}`;
  expect((await clients.get('admin')!.call('PUT', `/canned/${DESK}/es/${code}`, { title: 'Propia', text: 'Texto propio.' })).status).toBe(200);
  return code;
}

/** A handoff whose summary has the citizen's description (what a correction of it learns from). */
async function describedHandoff(): Promise<string> {
  const { id } = await handoff();
  await db.kysely.updateTable('handoffs').set({ summary: JSON.stringify({ description: 'El banco del parque está roto', service: 'alumbrado', type: 'reclamo' }) }).where('id', '=', id).execute();
  return id;
}

/** A word only the transcript of a held handoff of the desk has (written straight to SQL, where search reads). */
async function searchableHandoff(): Promise<{ id: string; word: string }> {
  const { id, key } = await handoff();
  const word = `zbusca${randomUUID().slice(0, 8)}`;
  await db.kysely.insertInto('messages').values({ conversation_id: key, direction: 'in', activity_id: `search-${word}`, text: `La farola de ${word} parpadea`, attachments: null, entities: null, created_at: new Date().toISOString(), author: null }).execute();
  return { id, word };
}

/** A handoff the holder opened (a transcript.open entry of the audit log): its id. */
async function openedByHolder(): Promise<string> {
  const { id } = await handoff();
  expect((await clients.get('holder')!.get(`/handoffs/${id}`)).status).toBe(200);
  return id;
}

const note = 'Para el equipo de aguas';
const ROWS: Row[] = [
  // Sessions and accounts (console/auth.ts).
  { route: 'POST /login', target: async () => ({ path: '/login' }), expect: cells(200, 200, 200, 200, 200, 401, 401) },
  { route: 'POST /logout', freshSession: true, target: async () => ({ path: '/logout', body: {} }), expect: cells(204, 204, 204, 204, 204) },
  { route: 'GET /me', target: async () => ({ path: '/me' }), expect: cells(200, 200, 200, 200, 200) },
  { route: 'GET /admin/agents', target: async () => ({ path: '/admin/agents' }), expect: cells(403, 403, 403, 403, 200) },
  {
    route: 'POST /admin/agents', fresh: true, expect: cells(403, 403, 403, 403, 201),
    target: async () => ({ path: '/admin/agents', body: { email: `new-${randomUUID().slice(0, 8)}@ajuntament.cat`, name: 'Nueva', role: 'agent', password: TEST_PASSWORD, teams: [DESK] } }),
  },
  {
    route: 'PATCH /admin/agents/:id', expect: cells(403, 403, 403, 403, 200),
    target: async () => ({ path: `/admin/agents/${(await createAgent(db, `p-${randomUUID().slice(0, 8)}@ajuntament.cat`, 'Pepa', [DESK])).id}`, body: { name: 'Pepa Pérez' } }),
  },

  // The audit log of access to citizens' data (issue 15 part 4): admins only; the marker is an entry of the holder opening a handoff.
  { route: 'GET /admin/audit', target: async () => ({ path: '/admin/audit?action=transcript.open', marker: await openedByHolder() }), expect: cells(403, 403, 403, 403, '200 sees') },
  { route: 'GET /admin/audit/csv', target: async () => ({ path: '/admin/audit/csv', marker: await openedByHolder() }), expect: cells(403, 403, 403, 403, '200 sees') },
  // A citizen's copy of their data (GDPR art. 15) produced from the console: admins only.
  { route: 'GET /admin/citizens/:citizenId/data-copy', target: async () => {
    const { citizenId } = await handoff();
    return { path: `/admin/citizens/${encodeURIComponent(citizenId)}/data-copy`, marker: citizenId };
  }, expect: cells(403, 403, 403, 403, '200 sees') },
  { route: 'GET /admin/citizens/:citizenId/data-copy/text', target: async () => {
    const { citizenId } = await handoff();
    return { path: `/admin/citizens/${encodeURIComponent(citizenId)}/data-copy/text`, marker: 'quiero hablar con una persona' };
  }, expect: cells(403, 403, 403, 403, '200 sees') },
  // Citizens' erasure requests (GDPR art. 17): admins only, to see and to decide.
  { route: 'GET /admin/erasures', target: async () => ({ path: '/admin/erasures', marker: (await erasureRequest()).citizenId }), expect: cells(403, 403, 403, 403, '200 sees') },
  { route: 'GET /admin/erasures/:id', target: async () => {
    const r = await erasureRequest();
    return { path: `/admin/erasures/${r.id}`, marker: r.citizenId };
  }, expect: cells(403, 403, 403, 403, '200 sees') },
  { route: 'POST /admin/erasures/:id/confirm', fresh: true, target: async () => ({ path: `/admin/erasures/${(await erasureRequest()).id}/confirm` }), expect: cells(403, 403, 403, 403, 200) },
  // The office desks' appointments (issue 16 part 1): every agent sees a day (references, no names) and marks attendance.
  { route: 'GET /appointments', target: async () => {
    const a = await bookedAppointment();
    return { path: `/appointments?office=oac-centro&day=${a.day}`, marker: a.reference };
  }, expect: cells('200 sees', '200 sees', '200 sees', '200 sees', '200 sees') },
  { route: 'POST /appointments/:reference/attendance', fresh: true, target: async () => ({ path: `/appointments/${(await bookedAppointment()).reference}/attendance`, body: { status: 'attended' } }), expect: cells(200, 200, 200, 200, 200) },
  // Requests to act for someone else (issue 16 part 4): supervisors and admins review them; the proof's opening is audited.
  { route: 'GET /representations', target: async () => ({ path: '/representations', marker: (await representationRequest()).name }), expect: cells(403, 403, 403, '200 sees', '200 sees') },
  { route: 'GET /representations/:id/proof', target: async () => ({ path: `/representations/${(await representationRequest()).id}/proof` }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'POST /representations/:id/approve', fresh: true, target: async () => ({ path: `/representations/${(await representationRequest()).id}/approve`, body: { expiresOn: inAMonth() } }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'POST /representations/:id/refuse', fresh: true, target: async () => ({ path: `/representations/${(await representationRequest()).id}/refuse`, body: { reason: 'no procede' } }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'POST /admin/erasures/:id/reject', fresh: true, target: async () => ({ path: `/admin/erasures/${(await erasureRequest()).id}/reject`, body: { reason: 'no procede' } }), expect: cells(403, 403, 403, 403, 200) },
  { route: 'POST /admin/citizens/:citizenId/erasure', fresh: true, target: async () => ({ path: `/admin/citizens/${(await erasureRequest()).citizenId}/erasure` }), expect: cells(403, 403, 403, 403, 200) },

  // Lists: everyone with a session gets one; what it shows depends on their teams.
  { route: 'GET /queue', target: async () => ({ path: '/queue', marker: (await handoff('queued')).id }), expect: cells('200 sees', '200 sees', '200 hidden', '200 sees', '200 hidden') },
  { route: 'GET /mine', target: async () => ({ path: '/mine', marker: (await handoff()).id }), expect: cells('200 sees', '200 hidden', '200 hidden', '200 hidden', '200 hidden') },
  { route: 'GET /live', target: async () => ({ path: '/live', marker: await liveConversation() }), expect: cells('200 sees', '200 sees', '200 hidden', '200 sees', '200 sees') },
  { route: 'GET /agents', target: async () => ({ path: '/agents' }), expect: cells(200, 200, 200, 200, 200) },
  { route: 'GET /supervisor', target: async () => ({ path: '/supervisor' }), expect: cells(403, 403, 403, 200, 200) },
  // The council's dashboards (issue 15 part 3): counts of every team, supervisors and admins only.
  { route: 'GET /stats', target: async () => ({ path: '/stats' }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'GET /stats/csv', target: async () => ({ path: '/stats/csv?table=channels' }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'GET /reviews', target: async () => ({ path: '/reviews', marker: await rejectedTicket('alumbrado') }), expect: cells('200 sees', '200 sees', '200 hidden', '200 sees', '200 sees') },
  { route: 'POST /reviews/:reference/retry', fresh: true, target: async () => ({ path: `/reviews/${await rejectedTicket('alumbrado')}/retry`, body: {} }), expect: cells(200, 200, 404, 200, 200) },

  // One handoff: another team's agent never learns it exists (404); only its holder speaks for it.
  { route: 'GET /handoffs/:id', target: async () => ({ path: `/handoffs/${(await handoff()).id}` }), expect: cells(200, 200, 404, 200, 200) },
  { route: 'POST /handoffs/:id/claim', fresh: true, target: async () => ({ path: `/handoffs/${(await handoff('queued')).id}/claim`, body: {} }), expect: cells(200, 200, 404, 200, 200) },
  { route: 'POST /handoffs/:id/messages', target: async () => ({ path: `/handoffs/${(await handoff()).id}/messages`, body: { text: 'Hola, soy del ayuntamiento' } }), expect: cells(201, 409, 404, 409, 409) },
  // Files for the citizen: only the holder gets as far as the body (a JSON body is no file: 400; tests/console/agent-files sends real ones).
  { route: 'POST /handoffs/:id/files', target: async () => ({ path: `/handoffs/${(await handoff()).id}/files`, body: { text: 'una foto' } }), expect: cells(400, 409, 404, 409, 409) },
  { route: 'POST /handoffs/:id/notes', target: async () => ({ path: `/handoffs/${(await handoff()).id}/notes`, body: { text: 'Llama a menudo' } }), expect: cells(201, 201, 404, 201, 201) },
  { route: 'POST /handoffs/:id/typing', target: async () => ({ path: `/handoffs/${(await handoff()).id}/typing`, body: {} }), expect: cells(204, 409, 404, 409, 409) },
  { route: 'POST /handoffs/:id/transfer', fresh: true, target: async () => ({ path: `/handoffs/${(await handoff()).id}/transfer`, body: { team: 'aguas', note } }), expect: cells(200, 409, 404, 200, 200) },
  { route: 'POST /handoffs/:id/release', fresh: true, target: async () => ({ path: `/handoffs/${(await handoff()).id}/release`, body: {} }), expect: cells(200, 409, 404, 409, 409) },
  { route: 'POST /handoffs/:id/close', fresh: true, target: async () => ({ path: `/handoffs/${(await handoff()).id}/close`, body: { resolution: 'Resuelto' } }), expect: cells(200, 409, 404, 409, 409) },
  {
    route: 'POST /handoffs/:id/ticket', case: 'a new ticket', expect: cells(200, 200, 404, 200, 200),
    target: async () => ({ path: `/handoffs/${(await handoff()).id}/ticket`, body: { create: { service: 'alumbrado', type: 'reclamo', description: 'Farola apagada' } } }),
  },
  {
    route: 'POST /handoffs/:id/ticket', case: 'another team\'s ticket of another citizen', expect: cells(404, 404, 404, 200, 200),
    target: async () => ({ path: `/handoffs/${(await handoff()).id}/ticket`, body: { reference: await ticket('agua') } }),
  },
  {
    route: 'POST /handoffs/:id/ticket', case: 'a ticket of the agent\'s team', expect: cells(200, 200, 404, 200, 200),
    target: async () => ({ path: `/handoffs/${(await handoff()).id}/ticket`, body: { reference: await ticket('alumbrado') } }),
  },
  {
    route: 'POST /handoffs/:id/ticket', case: 'another team\'s ticket of the same citizen', expect: cells(200, 200, 404, 200, 200),
    target: async () => {
      const { id } = await handoff();
      return { path: `/handoffs/${id}/ticket`, body: { reference: await ticket('agua', id) } };
    },
  },

  // Corrections of the service and type the bot understood (issue 13 part 3): who may see the handoff, or
  // an agent of the ticket's service's team, a supervisor or an admin.
  { route: 'POST /handoffs/:id/correction', target: async () => ({ path: `/handoffs/${await describedHandoff()}/correction`, body: { service: 'parques', type: 'reclamo' } }), expect: cells(201, 201, 404, 201, 201) },
  { route: 'POST /tickets/:reference/correction', fresh: true, target: async () => ({ path: `/tickets/${await ticket('alumbrado')}/correction`, body: { service: 'calles', type: 'solicitud' } }), expect: cells(201, 201, 404, 201, 201) },

  // Search (issue 15 part 1): what the caller may see only; opening a result is checked again.
  { route: 'GET /search', target: async () => { const { word } = await searchableHandoff(); return { path: `/search?q=${word}`, marker: word }; }, expect: cells('200 sees', '200 sees', '200 hidden', '200 sees', '200 sees') },
  { route: 'POST /search/open', target: async () => ({ path: '/search/open', body: { handoffId: (await handoff()).id } }), expect: cells(200, 200, 404, 200, 200) },

  // The all-day desk (issue 15 part 1). History of ended conversations: what the caller may see only.
  { route: 'GET /history', target: async () => ({ path: '/history?limit=100', marker: await closedHandoff() }), expect: cells('200 sees', '200 sees', '200 hidden', '200 sees', '200 sees') },
  // Canned responses per team and language: who may see the team reads them; only its supervisors (and admins) change them.
  { route: 'GET /canned', target: async () => ({ path: `/canned?team=${DESK}&locale=ca` }), expect: cells(200, 200, 404, 200, 200) },
  { route: 'PUT /canned/:team/:locale/:code', target: async () => ({ path: `/canned/${DESK}/ca/saludo`, body: { title: 'Salutació', text: 'Bon dia, sóc {agent}.' } }), expect: cells(403, 403, 403, 200, 200) },
  { route: 'PUT /canned/:team/:locale/:code', case: 'another team\'s', target: async () => ({ path: '/canned/aguas/ca/saludo', body: { title: 'Salutació', text: 'Bon dia.' } }), expect: cells(403, 403, 403, 403, 200) },
  { route: 'DELETE /canned/:team/:locale/:code', fresh: true, target: async () => ({ path: `/canned/${DESK}/es/${await ownCanned()}` }), expect: cells(403, 403, 403, 200, 200) },
  // The supervisors' live desk: their teams' waiting and held conversations.
  { route: 'GET /supervisor/desk', target: async () => ({ path: '/supervisor/desk', marker: (await handoff('queued')).id }), expect: cells(403, 403, 403, '200 sees', '200 sees') },
  // Reassigning a held conversation to another agent: its holder may hand it over; other agents may not.
  {
    route: 'POST /handoffs/:id/transfer', case: 'a held conversation to another agent of its team', fresh: true, expect: cells(200, 409, 404, 200, 200),
    target: async () => ({ path: `/handoffs/${(await handoff()).id}/transfer`, body: { agentId: accounts.get('colleague')!.id, note } }),
  },

  // Video calls (issue 15 part 2): who may see the conversation learns whether calls exist; only its holder
  // starts or ends one (supervisors and admins see it but do not speak for it, as with replies).
  { route: 'GET /video', target: async () => ({ path: '/video' }), expect: cells(200, 200, 200, 200, 200) },
  { route: 'POST /handoffs/:id/video', target: async () => ({ path: `/handoffs/${(await handoff()).id}/video`, body: {} }), expect: cells(201, 409, 404, 409, 409) },
  {
    route: 'DELETE /handoffs/:id/video', expect: cells(200, 409, 404, 409, 409),
    target: async () => {
      const { id } = await handoff();
      expect((await clients.get('holder')!.post(`/handoffs/${id}/video`)).status).toBe(201);
      return { path: `/handoffs/${id}/video` };
    },
  },

  // Conversations with the bot belong to the citizen desk: who may see it may take one (and only a live one).
  { route: 'POST /conversations/:key/pull', fresh: true, target: async () => ({ path: `/conversations/${encodeURIComponent(await liveConversation())}/pull`, body: {} }), expect: cells(201, 201, 404, 201, 201) },
];

const methodOf = (row: Row) => row.route.split(' ')[0]!;

/** Every route registered on the app's express router, as `METHOD /path` (express 5 / router 2 layers). */
function registeredRoutes(): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  // The app is the server's request listener (bot/app.ts installs it once wired).
  const app = bot.app.server!.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
  };
  walk(app.router.stack, '');
  return out;
}

describe('console REST access-control matrix', () => {
  it('has a row for every route registered under /console/api, and no row for a route that does not exist', () => {
    const routes = registeredRoutes().filter((r) => r.split(' ')[1]!.startsWith('/console/api/')).map((r) => r.replace(' /console/api', ' '));
    expect(routes.length).toBeGreaterThan(20);
    const rows = new Set(ROWS.map((r) => r.route));
    expect(routes.filter((r) => !rows.has(r)), 'routes without a row in ROWS').toEqual([]);
    expect([...rows].filter((r) => !routes.includes(r)), 'rows for routes that do not exist').toEqual([]);
  });

  for (const row of ROWS) {
    it(`${row.route}${row.case ? ` (${row.case})` : ''}`, async () => {
      const shared = row.fresh ? undefined : await row.target();
      const seen: Partial<Record<Persona, Cell>> = {};
      for (const persona of PERSONAS) {
        const target = shared ?? (await row.target());
        const login = row.route === 'POST /login';
        const body = login ? { email: persona === 'loggedOut' ? 'nobody@ajuntament.cat' : emailOf(persona), password: TEST_PASSWORD } : target.body;
        // Logging in needs no session: everyone calls it without one.
        const res = await call(login ? 'loggedOut' : persona, methodOf(row), { ...target, body }, row.freshSession === true);
        if (res.status === 404) expect(res.body.error.code, `${persona}: a 404 is a plain "not found"`).toBe('E_NOT_FOUND');
        const expected = row.expect[persona];
        seen[persona] = typeof expected === 'string' && target.marker
          ? `${res.status} ${JSON.stringify(res.body).includes(target.marker) ? 'sees' : 'hidden'}` as Cell
          : res.status;
      }
      expect(seen).toEqual(row.expect);
    }, 120_000);
  }
});

describe('agents stay within their teams (issue 12 part 3)', () => {
  const unknownConversation = async (c: ConsoleClient) => (await c.post(`/conversations/${encodeURIComponent(`webchat:${randomUUID()}`)}/pull`)).body;

  it('an agent of another team cannot pull a citizen\'s conversation by its (guessable) key: not found, nothing held, the bot still answers', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.ask('Hay un contenedor quemado en la plaza');
    const key = `webchat:${citizen.conversationId}`;
    await waitFor(() => db.kysely.selectFrom('conversations').select('id').where('id', '=', key).executeTakeFirst(), 'the conversation in SQL');
    const water = clients.get('other')!;
    const pulled = await water.post(`/conversations/${encodeURIComponent(key)}/pull`);
    expect(pulled.status).toBe(404);
    expect(pulled.body).toEqual(await unknownConversation(water));
    expect(await db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', key).execute()).toEqual([]);
    // Still with the bot: it answers (a held conversation's messages get no answer but from a person).
    const { reply } = await citizen.ask('sí');
    expect(reply.text).toBeTruthy();
    citizen.end();
  });

  it('a pulled conversation is filed in the team that owns it (the citizen desk), not in the puller\'s first team', async () => {
    const email = `sup-aguas-${randomUUID().slice(0, 6)}@ajuntament.cat`;
    await createAgent(db, email, 'Sara', ['aguas'], { role: 'supervisor', maxConcurrent: 50 });
    const sara = await ConsoleClient.login(bot.url, email);
    const pulled = await sara.post(`/conversations/${encodeURIComponent(await liveConversation())}/pull`);
    expect(pulled.status).toBe(201);
    expect(pulled.body).toMatchObject({ team: DESK, status: 'assigned', agentId: sara.agent.id });
  });

  it('a conversation idle for longer than the live list shows cannot be pulled', async () => {
    const key = await liveConversation();
    await db.kysely.updateTable('conversations').set({ last_activity_at: new Date(Date.now() - 2 * 3_600_000).toISOString() }).where('id', '=', key).execute();
    const holder = clients.get('holder')!;
    const pulled = await holder.post(`/conversations/${encodeURIComponent(key)}/pull`);
    expect(pulled.status).toBe(404);
    expect(pulled.body).toEqual(await unknownConversation(holder));
  });

  it('another team\'s ticket answers exactly like a reference that does not exist, and is not attached', async () => {
    const foreign = await ticket('agua');
    const { id } = await handoff();
    const holder = clients.get('holder')!;
    const attached = await holder.post(`/handoffs/${id}/ticket`, { reference: foreign });
    const unknown = await holder.post(`/handoffs/${id}/ticket`, { reference: 'AGU-2026-999999' });
    expect(attached.status).toBe(404);
    expect(attached.body).toEqual(unknown.body);
    expect((await db.kysely.selectFrom('handoffs').select('ticket_reference').where('id', '=', id).executeTakeFirstOrThrow()).ticket_reference).toBeNull();
  });

  it('only the holder, a supervisor of its team or an admin moves a conversation', async () => {
    const email = `sup-aguas-${randomUUID().slice(0, 6)}@ajuntament.cat`;
    await createAgent(db, email, 'Sol', ['aguas'], { role: 'supervisor' });
    const sol = await ConsoleClient.login(bot.url, email);
    const held = await handoff();
    // A supervisor of another team sees it (supervisors oversee every team) but may not move it.
    expect((await sol.get(`/handoffs/${held.id}`)).status).toBe(200);
    expect((await sol.post(`/handoffs/${held.id}/transfer`, { team: 'aguas', note })).body.error.code).toBe('E_NOT_HOLDER');
    // A colleague may not take a waiting one out of the queue to someone else either.
    const queued = await handoff('queued');
    const colleague = clients.get('colleague')!;
    expect((await colleague.post(`/handoffs/${queued.id}/transfer`, { agentId: colleague.agent.id, note })).body.error.code).toBe('E_NOT_HOLDER');
    expect((await clients.get('supervisor')!.post(`/handoffs/${queued.id}/transfer`, { team: 'aguas', note })).body).toMatchObject({ status: 'queued', team: 'aguas' });
    const rows = await db.kysely.selectFrom('handoffs').select(['id', 'status', 'agent_id', 'team']).where('id', 'in', [held.id, queued.id]).orderBy('id').execute();
    expect(rows.find((r) => r.id === held.id)).toMatchObject({ status: 'assigned', agent_id: accounts.get('holder')!.id, team: DESK });
  });
});
