import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ROOM_NAME } from '../../handoff/jitsi-rooms';
import { ConsoleClient, createAgent } from '../support/console-client';
import { redisClient } from '../support/redis';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from './support';

/*
 * A conversation moved to a video call (issue 15 part 2), end to end on web chat: the whole bot (ROLE=all,
 * real Redis, SQLite), the citizen on the real Direct Line API (botframework-directlinejs), the agent on
 * the console API. Tokens are checked with jsonwebtoken and the configured secret.
 */

const SECRET = 'jitsi-app-secret-for-the-tests-0123456789';
const dir = mkdtempSync(path.join(tmpdir(), 'video-call-'));
let bot: RunningApp;
let db: Db;
let ana: ConsoleClient;
let bea: ConsoleClient;

beforeAll(async () => {
  bot = await startTestApp({
    CATALOG: writeTestCatalog(dir, (c) => void (c.handoff.graceSeconds = 3_600)),
    VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: SECRET, VIDEO_CALL_TTL_MINUTES: '30',
  });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
  await createAgent(db, 'bea@ajuntament.cat', 'Bea', ['atencion-ciudadana'], { role: 'supervisor' });
  ana = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
  bea = await ConsoleClient.login(bot.url, 'bea@ajuntament.cat');
});
async function redisKeys(pattern: string): Promise<string[]> {
  const redis = redisClient();
  try {
    return await redis.keys(pattern);
  } finally {
    await redis.quit();
  }
}

afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A citizen on web chat held by Ana. */
async function heldCitizen(): Promise<{ citizen: DlConversation; id: string; key: string }> {
  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  const row = await waitFor(() => db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');
  expect((await ana.post(`/handoffs/${row.id}/claim`)).status).toBe(200);
  await citizen.botSays(/te atiende Ana/);
  return { citizen, id: row.id, key };
}

type Card = { contentType: string; content: { buttons: Array<{ type: string; title: string; value: string }> } };
const cardOf = (a: Partial<Activity>) => (a.attachments ?? []).find((x) => x.contentType === 'application/vnd.microsoft.card.hero') as Card | undefined;

describe('video calls on web chat', () => {
  it('sends the citizen a button that opens the room, gives the agent the same room as moderator, and records start and end', async () => {
    const { citizen, id, key } = await heldCitizen();
    const before = Date.now();
    const started = await ana.post(`/handoffs/${id}/video`);
    expect(started.status).toBe(201);
    const call = started.body;
    expect(call.room).toMatch(ROOM_NAME);
    expect(call).toMatchObject({ handoffId: id, started: true, event: { kind: 'video_started', note: call.room } });
    expect(Date.parse(call.expiresAt) - Date.parse(call.startedAt)).toBe(30 * 60_000);

    // The citizen's message: who invites, and a card whose one button opens the room in the browser.
    const invite = await citizen.botSays((a) => cardOf(a) !== undefined);
    expect(invite.text).toMatch(/^Ana te invita a una videollamada/);
    expect(invite.from?.name).toBe('Ana');
    const button = cardOf(invite)!.content.buttons[0]!;
    expect(button).toMatchObject({ type: 'openUrl', title: 'Entrar en la llamada' });
    const citizenUrl = new URL(button.value);
    expect(`${citizenUrl.origin}${citizenUrl.pathname}`).toBe(`https://meet.example.org/${call.room}`);
    const theirs = jwt.verify(citizenUrl.searchParams.get('jwt')!, SECRET, { algorithms: ['HS256'], audience: 'jitsi', issuer: 'citybot' }) as jwt.JwtPayload;
    expect(theirs).toMatchObject({ room: call.room, sub: 'meet.example.org', context: { user: { moderator: false, name: 'Ciudadano/a' } } });
    expect(theirs.exp).toBe(Math.floor(Date.parse(call.expiresAt) / 1_000));
    expect(theirs.exp! * 1_000).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1_000);
    // Nothing of the citizen in the room, the link or the token.
    expect(button.value).not.toContain(citizen.conversationId!);
    const agentUrl = new URL(call.url);
    expect(agentUrl.pathname).toBe(`/${call.room}`);
    const mine = jwt.verify(agentUrl.searchParams.get('jwt')!, SECRET) as jwt.JwtPayload;
    expect(mine).toMatchObject({ room: call.room, context: { user: { moderator: true, name: 'Ana', id: ana.agent.id } } });
    expect(() => jwt.verify(agentUrl.searchParams.get('jwt')!, 'another-secret-another-secret-0123')).toThrow(/invalid signature/);

    // Asked again (another tab, a reload): the same room, the citizen is not invited twice.
    const again = await ana.post(`/handoffs/${id}/video`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ room: call.room, started: false, expiresAt: call.expiresAt });

    const ended = await ana.call('DELETE', `/handoffs/${id}/video`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ kind: 'video_ended', note: call.room, agentId: ana.agent.id });
    await citizen.botSays(/La videollamada ha terminado/);
    expect(citizen.bot().filter((a) => cardOf(a) !== undefined)).toHaveLength(1);
    expect((await ana.call('DELETE', `/handoffs/${id}/video`)).body.error.code).toBe('E_NO_VIDEO_CALL');

    // The handoff's events and the transcript (as the console shows them, and in SQL) hold both.
    const detail = (await ana.get(`/handoffs/${id}`)).body;
    expect(detail.events.filter((e: { kind: string }) => e.kind.startsWith('video_')).map((e: { kind: string; note: string; agentName: string }) => [e.kind, e.note, e.agentName]))
      .toEqual([['video_started', call.room, 'Ana'], ['video_ended', call.room, 'Ana']]);
    const agentLines = detail.transcript.filter((m: { from: string }) => m.from === 'agent').map((m: { text: string }) => m.text);
    expect(agentLines).toEqual([expect.stringMatching(/^Ana te invita a una videollamada/), expect.stringMatching(/^La videollamada ha terminado/)]);
    const rows = await db.kysely.selectFrom('messages').select(['text', 'author']).where('conversation_id', '=', key).where('direction', '=', 'out').where('author', 'is not', null).execute();
    expect(rows.map((r) => r.author)).toEqual([ana.agent.id, ana.agent.id]);
    // The token is a secret of the call: the transcript keeps the words, never the link.
    expect(JSON.stringify(rows)).not.toContain('jwt=');
    const events = await db.kysely.selectFrom('handoff_events').select(['kind', 'agent_id', 'note']).where('handoff_id', '=', id).where('kind', 'like', 'video%').orderBy('id').execute();
    expect(events).toEqual([{ kind: 'video_started', agent_id: ana.agent.id, note: call.room }, { kind: 'video_ended', agent_id: ana.agent.id, note: call.room }]);

    // A new call is a new room.
    const next = await ana.post(`/handoffs/${id}/video`);
    expect(next.status).toBe(201);
    expect(next.body.room).not.toBe(call.room);
    citizen.end();
  });

  it('is the holder\'s alone: a supervisor who sees the conversation may neither start nor end it', async () => {
    const { citizen, id } = await heldCitizen();
    expect((await bea.get(`/handoffs/${id}`)).status).toBe(200);
    expect((await bea.post(`/handoffs/${id}/video`)).body.error.code).toBe('E_NOT_HOLDER');
    expect((await ana.post(`/handoffs/${id}/video`)).status).toBe(201);
    expect((await bea.call('DELETE', `/handoffs/${id}/video`)).body.error.code).toBe('E_NOT_HOLDER');
    // The call ends with the conversation: recorded in the handoff, nothing left in Redis; after the close
    // nobody holds it, so no call starts.
    expect((await ana.post(`/handoffs/${id}/close`, { resolution: 'Atendido por vídeo' })).status).toBe(200);
    const events = await db.kysely.selectFrom('handoff_events').select(['kind', 'agent_id']).where('handoff_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.kind).slice(-3)).toEqual(['video_started', 'closed', 'video_ended']);
    expect(events.at(-1)!.agent_id).toBeNull();
    expect(await redisKeys(`${bot.config.REDIS_PREFIX}:video:${id}`)).toEqual([]);
    expect((await ana.post(`/handoffs/${id}/video`)).body.error.code).toBe('E_NOT_HOLDER');
    citizen.end();
  });

  it('tells the console whether calls are available', async () => {
    expect((await ana.get('/video')).body).toEqual({ enabled: true, secured: true, ttlMinutes: 30 });
  });
});

describe('without VIDEO_JITSI_URL', () => {
  it('offers no calls, and starting one answers E_VIDEO_UNAVAILABLE', async () => {
    const plain = await startTestApp({ CATALOG: writeTestCatalog(dir) });
    const plainDb = await openDatabase({ sqlitePath: plain.sqlitePath });
    try {
      await createAgent(plainDb, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
      const agent = await ConsoleClient.login(plain.url, 'ana@ajuntament.cat');
      expect((await agent.get('/video')).body).toEqual({ enabled: false, secured: false, ttlMinutes: 60 });
      const citizen = await DlConversation.open(plain.url);
      const { reply } = await citizen.ask('quiero hablar con una persona');
      if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
      const row = await waitFor(() => plainDb.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', `webchat:${citizen.conversationId}`).executeTakeFirst(), 'the handoff');
      await agent.post(`/handoffs/${row.id}/claim`);
      const refused = await agent.post(`/handoffs/${row.id}/video`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('E_VIDEO_UNAVAILABLE');
      citizen.end();
    } finally {
      await plainDb.close();
      await plain.stop();
    }
  });
});
