import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { AgentStore } from '../../console/agent-store';
import { SERVER_EVENT_TYPES, type AgentView, type ServerEvent } from '../../console/protocol';
import { capturingLogger } from '../fuzz/support';
import { ConsoleClient, createAgent, TEST_COST } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * Who receives what on the console's live socket (issue 12 parts 2 and 3), through the real app (ROLE=all,
 * real Redis pub/sub, SQLite, citizens on Direct Line): every kind of server event × every kind of caller,
 * each socket having asked to open the conversation (asking is no bypass). The matrix is complete by
 * construction: SERVER_EVENT_TYPES lists every ServerEvent kind (a Record type makes a new kind fail to
 * compile until listed) and a kind without a row fails the first test. Then what must happen when things
 * change under an open socket: a transfer, a removal from a team, a disable, a password change, a logout;
 * and malformed frames, which close that socket only.
 *
 * Callers, for a handoff of the citizen desk:
 *   holder      an agent of the desk who claims it
 *   colleague   another agent of the desk
 *   other       an agent of another team (water)
 *   supervisor  a supervisor of the desk
 *   admin       an admin of no team
 *   disabled    an agent of the desk, disabled (its session cookie is still the one it logged in with)
 *   loggedOut   no session cookie
 */

const DESK = 'atencion-ciudadana';
const PERSONAS = ['holder', 'colleague', 'other', 'supervisor', 'admin', 'disabled', 'loggedOut'] as const;
type Persona = (typeof PERSONAS)[number];
/** gets: the event arrives; none: it does not; 401: the socket is refused at the upgrade. */
type Cell = 'gets' | 'none' | 401;
const cells = (holder: Cell, colleague: Cell, other: Cell, supervisor: Cell, admin: Cell): Record<Persona, Cell> =>
  ({ holder, colleague, other, supervisor, admin, disabled: 401, loggedOut: 401 });

interface Scene { handoffId: string; key: string; marker: string }
interface Row {
  /** What makes the server send it. */
  cause: string;
  /** Whether an event is this row's, for this scene. */
  matches: (e: ServerEvent, scene: Scene) => boolean;
  expect: Record<Persona, Cell>;
}

const ROWS: Record<ServerEvent['type'], Row> = {
  queue: {
    cause: 'a citizen of the desk asks for a person', expect: cells('gets', 'gets', 'none', 'gets', 'none'),
    matches: (e, s) => e.type === 'queue' && e.team === DESK && e.items.some((i) => i.id === s.handoffId),
  },
  handoff: {
    cause: 'the holder claims it', expect: cells('gets', 'gets', 'none', 'gets', 'gets'),
    matches: (e, s) => e.type === 'handoff' && e.handoff.id === s.handoffId && e.handoff.status === 'assigned',
  },
  message: {
    cause: 'the citizen writes while it is held', expect: cells('gets', 'gets', 'none', 'gets', 'gets'),
    matches: (e, s) => e.type === 'message' && e.message.conversationKey === s.key && e.message.text === s.marker,
  },
  typing: {
    cause: 'the holder types', expect: cells('gets', 'gets', 'none', 'gets', 'gets'),
    matches: (e, s) => e.type === 'typing' && e.handoffId === s.handoffId,
  },
  live: {
    // The bot's conversations belong to the desk: who may see the desk (admins too, as GET /live), not another team.
    cause: "a citizen's line with the bot reaches the transcript", expect: cells('gets', 'gets', 'none', 'gets', 'gets'),
    matches: (e) => e.type === 'live',
  },
  availability: {
    cause: 'the console connects (each its own agent\'s)', expect: cells('gets', 'gets', 'gets', 'gets', 'gets'),
    matches: (e) => e.type === 'availability' && e.availability === 'available',
  },
  pong: {
    cause: 'the console pings', expect: cells('gets', 'gets', 'gets', 'gets', 'gets'),
    matches: (e) => e.type === 'pong',
  },
};

const logs = capturingLogger();
const dir = mkdtempSync(path.join(tmpdir(), 'socket-matrix-'));
let bot: RunningApp;
let db: Db;
let agents: AgentStore;
const accounts = new Map<Persona, AgentView>();
const emailOf = (p: Persona) => accounts.get(p)!.email;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir, (c) => void (c.handoff.graceSeconds = 3_600)) }, {}, logs.log);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  agents = new AgentStore(db, { cost: TEST_COST });
  const teams: Record<Exclude<Persona, 'loggedOut'>, [string[], AgentView['role']]> = {
    holder: [[DESK], 'agent'], colleague: [[DESK], 'agent'], other: [['aguas'], 'agent'],
    supervisor: [[DESK], 'supervisor'], admin: [[], 'admin'], disabled: [[DESK], 'agent'],
  };
  for (const [persona, [teamCodes, role]] of Object.entries(teams) as Array<[Persona, [string[], AgentView['role']]]>) {
    accounts.set(persona, await createAgent(db, `${persona}-${randomUUID().slice(0, 6)}@ajuntament.cat`, persona, teamCodes, { role, maxConcurrent: 50 }));
  }
}, 60_000);
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Logs in and opens the live socket; the disabled agent logs in while enabled and is disabled before connecting. */
async function connect(persona: Persona): Promise<ConsoleClient | number> {
  if (persona === 'loggedOut') return upgradeStatus({ origin: bot.url });
  const client = await ConsoleClient.login(bot.url, emailOf(persona));
  if (persona === 'disabled') {
    await agents.update(accounts.get('disabled')!.id, { disabled: true });
    const status = await upgradeStatus({ origin: bot.url, cookie: client.cookie });
    await agents.update(accounts.get('disabled')!.id, { disabled: false });
    return status;
  }
  await client.connect();
  return client;
}

async function upgradeStatus(headers: Record<string, string>): Promise<number> {
  const { WebSocket } = await import('ws');
  return new Promise((resolve) => {
    const socket = new WebSocket(`${bot.url.replace('http', 'ws')}/console/ws`, { headers });
    socket.once('open', () => (socket.close(), resolve(101)));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

/** A citizen on web chat who asked for a person: a queued handoff of the desk. */
async function citizenAsking(): Promise<{ citizen: DlConversation; handoffId: string; key: string }> {
  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  // With nobody of the desk at a console the citizen is told so, and chooses to wait in the queue all the same.
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  const row = await waitFor(() => db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');
  return { citizen, handoffId: row.id, key };
}

const admin = () => ConsoleClient.login(bot.url, emailOf('admin'));
const received = (c: ConsoleClient, row: Row, scene: Scene) => c.events.some((e) => row.matches(e, scene));

describe('console socket access-control matrix', () => {
  it('has a row for every kind of server event', () => {
    expect(SERVER_EVENT_TYPES.length).toBeGreaterThanOrEqual(5);
    expect(SERVER_EVENT_TYPES.filter((t) => !(t in ROWS)), 'event kinds without a row').toEqual([]);
  });

  it('sends each kind of event to whom may see it, and refuses disabled and logged-out callers', async () => {
    const sockets = new Map<Persona, ConsoleClient>();
    const refused = new Map<Persona, number>();
    for (const p of PERSONAS) {
      const c = await connect(p);
      if (typeof c === 'number') refused.set(p, c);
      else sockets.set(p, c);
    }
    const { citizen, handoffId, key } = await citizenAsking();
    const scene: Scene = { handoffId, key, marker: `sigue rota ${randomUUID().slice(0, 6)}` };
    for (const c of sockets.values()) c.send({ type: 'open', handoffId });
    await waitFor(() => received(sockets.get('holder')!, ROWS.queue, scene) || undefined, 'the queue list');
    await waitFor(() => received(sockets.get('holder')!, ROWS.live, scene) || undefined, 'the live list changed');
    expect((await sockets.get('holder')!.post(`/handoffs/${handoffId}/claim`)).status).toBe(200);
    await waitFor(() => received(sockets.get('holder')!, ROWS.handoff, scene) || undefined, 'the claim');
    await citizen.post(scene.marker);
    await waitFor(() => received(sockets.get('holder')!, ROWS.message, scene) || undefined, "the citizen's message");
    expect((await sockets.get('holder')!.post(`/handoffs/${handoffId}/typing`)).status).toBe(204);
    await waitFor(() => received(sockets.get('colleague')!, ROWS.typing, scene) || undefined, 'typing');
    // Each socket's pong comes after everything the server sent it before: what is missing now was never sent.
    for (const c of sockets.values()) await c.pong();

    const actual = Object.fromEntries(SERVER_EVENT_TYPES.map((kind) => [kind, Object.fromEntries(PERSONAS.map((p) => {
      const c = sockets.get(p);
      return [p, c ? (received(c, ROWS[kind], scene) ? 'gets' : 'none') : (refused.get(p) as Cell)];
    }))]));
    expect(actual).toEqual(Object.fromEntries(SERVER_EVENT_TYPES.map((kind) => [kind, ROWS[kind].expect])));
    for (const c of sockets.values()) c.disconnect();
    citizen.end();
  });

  it("a desk agent who did not open a conversation gets its changes but not its messages", async () => {
    const holder = await ConsoleClient.login(bot.url, emailOf('holder'));
    const colleague = await ConsoleClient.login(bot.url, emailOf('colleague'));
    await holder.connect();
    await colleague.connect();
    const { citizen, handoffId, key } = await citizenAsking();
    expect((await holder.post(`/handoffs/${handoffId}/claim`)).status).toBe(200);
    const marker = `no abierta ${randomUUID().slice(0, 6)}`;
    await citizen.post(marker);
    await waitFor(() => received(holder, ROWS.message, { handoffId, key, marker }) || undefined, "the citizen's message");
    await colleague.pong();
    expect(received(colleague, ROWS.handoff, { handoffId, key, marker })).toBe(true);
    expect(received(colleague, ROWS.message, { handoffId, key, marker })).toBe(false);
    holder.disconnect();
    colleague.disconnect();
    citizen.end();
  });

  it("the team's supervisor and admins get its conversations' messages without opening them (their live desk); another team's agent does not", async () => {
    const clients = new Map<Persona, ConsoleClient>();
    for (const p of ['holder', 'supervisor', 'admin', 'other'] as const) {
      const c = await ConsoleClient.login(bot.url, emailOf(p));
      await c.connect();
      clients.set(p, c);
    }
    const { citizen, handoffId, key } = await citizenAsking();
    expect((await clients.get('holder')!.post(`/handoffs/${handoffId}/claim`)).status).toBe(200);
    const marker = `para el panel ${randomUUID().slice(0, 6)}`;
    await citizen.post(marker);
    await waitFor(() => received(clients.get('holder')!, ROWS.message, { handoffId, key, marker }) || undefined, "the citizen's message");
    for (const c of clients.values()) await c.pong();
    expect(received(clients.get('supervisor')!, ROWS.message, { handoffId, key, marker })).toBe(true);
    expect(received(clients.get('admin')!, ROWS.message, { handoffId, key, marker })).toBe(true);
    expect(received(clients.get('other')!, ROWS.message, { handoffId, key, marker })).toBe(false);
    for (const c of clients.values()) c.disconnect();
    citizen.end();
  });
});

describe('availability (issue 15 part 1)', () => {
  it("an away agent's choice reaches only their own consoles, and the citizen hears nobody is online until they are back", async () => {
    const laptop = await ConsoleClient.login(bot.url, emailOf('holder'));
    const desktop = await ConsoleClient.login(bot.url, emailOf('holder'));
    const colleague = await ConsoleClient.login(bot.url, emailOf('colleague'));
    for (const c of [laptop, desktop, colleague]) await c.connect();
    // The colleague goes: the holder is the desk's only agent at a console.
    colleague.disconnect();
    laptop.send({ type: 'availability', availability: 'away' });
    await waitFor(() => desktop.events.filter((e) => e.type === 'availability').at(-1)?.availability === 'away' || undefined, "the away choice on the agent's other console");
    const away = await DlConversation.open(bot.url);
    expect((await away.ask('quiero hablar con una persona')).reply.text).toMatch(/no hay nadie del equipo/);
    away.end();

    desktop.send({ type: 'availability', availability: 'available' });
    await waitFor(() => laptop.events.filter((e) => e.type === 'availability').at(-1)?.availability === 'available' || undefined, 'back on the other console');
    const back = await DlConversation.open(bot.url);
    expect((await back.ask('quiero hablar con una persona')).reply.text).not.toMatch(/no hay nadie del equipo/);
    back.end();
    // A reconnecting console is told the agent's choice.
    desktop.send({ type: 'availability', availability: 'away' });
    await laptop.pong();
    const again = await ConsoleClient.login(bot.url, emailOf('holder'));
    await again.connect();
    await waitFor(() => again.events.some((e) => e.type === 'availability' && e.availability === 'away') || undefined, 'the choice on connect');
    again.send({ type: 'availability', availability: 'available' });
    await again.pong();
    for (const c of [laptop, desktop, again]) c.disconnect();
  });
});

describe('an open socket follows changes of holding, teams and account', () => {
  it('after a transfer to another team, the former team stops receiving the conversation; the new team may open it', async () => {
    const holder = await ConsoleClient.login(bot.url, emailOf('holder'));
    const colleague = await ConsoleClient.login(bot.url, emailOf('colleague'));
    const other = await ConsoleClient.login(bot.url, emailOf('other'));
    for (const c of [holder, colleague, other]) await c.connect();
    const { citizen, handoffId, key } = await citizenAsking();
    expect((await holder.post(`/handoffs/${handoffId}/claim`)).status).toBe(200);
    colleague.send({ type: 'open', handoffId });
    const before = `antes ${randomUUID().slice(0, 6)}`;
    await citizen.post(before);
    await waitFor(() => received(colleague, ROWS.message, { handoffId, key, marker: before }) || undefined, 'the message before the transfer');

    expect((await holder.post(`/handoffs/${handoffId}/transfer`, { team: 'aguas', note: 'Es de aguas' })).status).toBe(200);
    // The water team learns of it (its queue), and may now open it.
    await waitFor(() => other.events.some((e) => e.type === 'queue' && e.team === 'aguas' && e.items.some((i) => i.id === handoffId)) || undefined, 'the water queue');
    other.send({ type: 'open', handoffId });
    await other.pong();
    const after = `despues ${randomUUID().slice(0, 6)}`;
    await citizen.post(after);
    await waitFor(() => received(other, ROWS.message, { handoffId, key, marker: after }) || undefined, 'the message on the new team');
    for (const c of [holder, colleague]) await c.pong();
    expect(received(colleague, ROWS.message, { handoffId, key, marker: after }), 'the former team, which had it open').toBe(false);
    expect(received(holder, ROWS.message, { handoffId, key, marker: after }), 'the former holder').toBe(false);
    // The former holder was told it left them.
    expect(holder.events.some((e) => e.type === 'handoff' && e.handoff.id === handoffId && e.handoff.team === 'aguas')).toBe(true);
    for (const c of [holder, colleague, other]) c.disconnect();
    citizen.end();
  });

  it("taken off a team, an agent's socket empties that team's list and gets nothing more of it, without reconnecting", async () => {
    const mover = await createAgent(db, `mover-${randomUUID().slice(0, 6)}@ajuntament.cat`, 'Mover', [DESK, 'aguas']);
    const client = await ConsoleClient.login(bot.url, mover.email);
    const holder = await ConsoleClient.login(bot.url, emailOf('holder'));
    await client.connect();
    await holder.connect();
    const first = await citizenAsking();
    expect((await holder.post(`/handoffs/${first.handoffId}/claim`)).status).toBe(200);
    client.send({ type: 'open', handoffId: first.handoffId });
    await client.pong();

    expect((await (await admin()).call('PATCH', `/admin/agents/${mover.id}`, { teams: ['aguas'] })).status).toBe(200);
    await waitFor(() => client.events.some((e) => e.type === 'queue' && e.team === DESK && e.items.length === 0) || undefined, 'the emptied desk list');
    const second = await citizenAsking();
    const marker = `fuera ${randomUUID().slice(0, 6)}`;
    await first.citizen.post(marker);
    await waitFor(() => received(holder, ROWS.message, { ...first, marker }) || undefined, 'the message on the holder');
    await waitFor(() => holder.events.some((e) => e.type === 'queue' && e.team === DESK && e.items.some((i) => i.id === second.handoffId)) || undefined, 'the new desk queue on the holder');
    await client.pong();
    expect(received(client, ROWS.message, { ...first, marker }), "a conversation of the team left, opened before").toBe(false);
    expect(client.events.some((e) => e.type === 'queue' && e.team === DESK && e.items.some((i) => i.id === second.handoffId)), "the team left's queue").toBe(false);
    expect(client.closedWith).toBeUndefined();
    for (const c of [client, holder]) c.disconnect();
    first.citizen.end();
    second.citizen.end();
  });

  it('a disabled agent, or one whose password changed, is disconnected at once with 4401', async () => {
    for (const patch of [{ disabled: true }, { password: 'another long password' }]) {
      const agent = await createAgent(db, `gone-${randomUUID().slice(0, 6)}@ajuntament.cat`, 'Gone', [DESK]);
      const client = await ConsoleClient.login(bot.url, agent.email);
      await client.connect();
      await client.pong();
      expect((await (await admin()).call('PATCH', `/admin/agents/${agent.id}`, patch)).status).toBe(200);
      expect(await client.closed(), JSON.stringify(patch)).toBe(4401);
    }
  });

  it("a logout closes that session's socket with 4401, and not the agent's other sessions", async () => {
    const agent = await createAgent(db, `two-${randomUUID().slice(0, 6)}@ajuntament.cat`, 'Two', [DESK]);
    const laptop = await ConsoleClient.login(bot.url, agent.email);
    const desktop = await ConsoleClient.login(bot.url, agent.email);
    await laptop.connect();
    await desktop.connect();
    expect((await laptop.post('/logout')).status).toBe(204);
    expect(await laptop.closed()).toBe(4401);
    await desktop.pong();
    expect(desktop.closedWith).toBeUndefined();
    desktop.disconnect();
  });
});

describe('malformed frames (issue 12 part 2)', () => {
  it('close that socket with 1008 and nothing else: no error logged, other consoles keep receiving', async () => {
    const frames: Array<string | Buffer> = [
      'null', '[]', '"open"', '42', 'true', '{}', '{"type":"open"}', '{"type":"open","handoffId":5}', '{"type":"open","handoffId":null}',
      '{"type":"nope"}', '{"type":"ping","extra":1}', `{"type":"open","handoffId":"${'x'.repeat(100)}"}`, 'not json', '{"type":', '',
      Buffer.from([0, 1, 2, 3]), Buffer.from('{"type":"ping"}'),
    ];
    const witness = await ConsoleClient.login(bot.url, emailOf('colleague'));
    await witness.connect();
    const errorsBefore = logs.errors().length;
    for (const frame of frames) {
      const client = await ConsoleClient.login(bot.url, emailOf('holder'));
      await client.connect();
      client.sendRaw(frame);
      expect(await client.closed(), `frame ${JSON.stringify(frame.toString())}`).toBe(1008);
    }
    // The process is whole: a new citizen's handoff still reaches a console, and the REST API answers.
    const { citizen, handoffId } = await citizenAsking();
    await waitFor(() => witness.events.some((e) => e.type === 'queue' && e.items.some((i) => i.id === handoffId)) || undefined, 'the queue after the bad frames');
    expect((await witness.get('/me')).status).toBe(200);
    expect(logs.errors().slice(errorsBefore)).toEqual([]);
    witness.disconnect();
    citizen.end();
  });
});
