import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErasureBlockedError } from '../../bot/errors';
import { createLogger } from '../../bot/logger';
import { AuditLog } from '../../bot/sql/audit-log';
import { HistoryStore } from '../../bot/sql/history-store';
import { Erasures, type ErasureOutcome, type ErasureTarget } from '../../privacy/erasure';
import { PSEUDONYM_PREFIX } from '../../privacy/retention';
import { DIALECTS, type TestDatabase } from '../bot/sql/test-databases';
import { fileTraces, redisTraces, sqlTraces } from '../support/marker-scan';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

/*
 * Erasure (GDPR art. 17) on real SQLite and PostgreSQL, real Redis and a real media folder: a citizen's
 * words (a marker) are in every kind of place the bot keeps things; after an admin confirms, the marker is
 * nowhere, another citizen's data is untouched, their ticket stays without them, and the audit log has
 * data.erase with counts only and still verifies.
 */

const MARKER = 'MARCA-ERASE-7f3a';
const OTHER = 'OTRO-KEEP-91bc';
const NOW = new Date('2026-06-15T10:00:00.000Z');
const admin = { actor: { id: 'admin-1', role: 'admin' as const }, ip: '127.0.0.1' };
const log = createLogger('silent');
const PHOTO = 'AAAAAAAAAAAAAAAAAAAAAAAA.png';
const COPY = 'CCCCCCCCCCCCCCCCCCCCCCCC.json';

describe.each(DIALECTS)('erasure on $dialect', ({ open }) => {
  const redis = redisClient();
  let t: TestDatabase;
  let prefix: string;
  let mediaDir: string;
  let told: Array<[ErasureTarget, ErasureOutcome]>;
  let erasures: Erasures;

  beforeEach(async () => {
    t = await open();
    prefix = testPrefix();
    mediaDir = mkdtempSync(join(tmpdir(), 'erasure-'));
    told = [];
    erasures = new Erasures({
      db: t.db, redis, prefix, mediaDir, audit: new AuditLog(t.db, { clock: () => NOW.getTime() }), flushTranscripts: async () => {},
      tell: async (to, outcome) => void told.push([to, outcome]), log, clock: () => NOW.getTime(),
    });
    await seed(t, redis, prefix, mediaDir);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await t.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('leaves no trace of what the citizen wrote in SQL, Redis or the media folder, keeps others and the ticket, and records counts', async () => {
    expect(await sqlTraces(t.db, MARKER)).not.toEqual([]);
    expect(await redisTraces(redis, prefix, MARKER)).not.toEqual([]);
    expect(await fileTraces(mediaDir, MARKER)).not.toEqual([]);

    const request = await erasures.request({ citizenId: 'cit-0001-ana', channel: 'telegram', conversationId: '5550001', userId: '5550001', locale: 'es' });
    expect((await erasures.pending()).map((r) => [r.citizenId, r.channel, r.requestedBy])).toEqual([['cit-0001-ana', 'telegram', 'citizen']]);
    expect((await erasures.request({ citizenId: 'cit-0001-ana', channel: 'telegram', conversationId: '5550001', locale: 'es' })).id).toBe(request.id);
    const { preview } = await erasures.get(request.id);
    expect(preview).toEqual({ messages: 2, conversations: 1, identities: 1, handoffs: 1, tickets: 1, ticketPhotos: 1, corrections: 1, appointments: 0, representations: 0 });

    // Two admins confirm at once: one erases, the other is refused (one erasure, one audit entry).
    const [first, second] = await Promise.allSettled([erasures.confirm(request.id, admin), erasures.confirm(request.id, { actor: { id: 'admin-2', role: 'admin' } })]);
    const settled = [first, second];
    expect(settled.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(ErasureBlockedError)]);
    const removed = (settled.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<Erasures['confirm']>>>).value;
    expect(removed).toMatchObject({ messages: 2, conversations: 1, identities: 1, handoffs: 1, tickets: 1, files: 2, jobs: 1 });
    expect(removed.redisKeys).toBeGreaterThanOrEqual(2);
    expect(removed.redisEntries).toBeGreaterThanOrEqual(5);

    expect(await sqlTraces(t.db, MARKER)).toEqual([]);
    expect(await redisTraces(redis, prefix, MARKER)).toEqual([]);
    expect(await fileTraces(mediaDir, MARKER)).toEqual([]);
    // SQLite's own file and write-ahead log keep no bytes of it either (freed pages zeroed, file rebuilt).
    if (t.db.dialect === 'sqlite') expect(await fileTraces(dirname(t.sqlitePath), MARKER)).toEqual([]);
    // Another citizen's data, in the same shared keys and tables, stays.
    expect(await sqlTraces(t.db, OTHER)).not.toEqual([]);
    expect((await redisTraces(redis, prefix, OTHER)).length).toBeGreaterThanOrEqual(4);

    const ticket = await t.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', 'ALU-2026-000001').executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ description: '', contact: null, address: null, conversation_id: 'anon', status: 'open' });
    expect(ticket.citizen_id.startsWith(PSEUDONYM_PREFIX)).toBe(true);

    const audit = new AuditLog(t.db);
    const [entry] = (await audit.list({ action: 'data.erase' }, { limit: 5, offset: 0 })).items;
    expect(entry).toMatchObject({ agentRole: 'admin', citizenId: 'cit-0001-ana' });
    expect(JSON.parse(entry!.detail!)).toEqual(removed);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 1 });

    expect(told).toEqual([[{ citizenId: 'cit-0001-ana', channel: 'telegram', conversationId: '5550001', userId: '5550001', locale: 'es' }, { kind: 'done' }]]);
    expect(await erasures.pending()).toEqual([]);
    const done = await t.db.kysely.selectFrom('erasure_requests' as never).selectAll().execute() as Array<Record<string, unknown>>;
    expect(done).toEqual([expect.objectContaining({ status: 'done', conversation_id: null, user_id: null, decided_by: entry!.agentId })]);
    await expect(erasures.confirm(request.id, admin)).rejects.toBeInstanceOf(ErasureBlockedError);
  });

  it('refuses while the citizen talks to a person, and a rejection tells the citizen the reason and erases nothing', async () => {
    await t.db.kysely.updateTable('handoffs').set({ status: 'assigned', ended_at: null }).execute();
    const request = await erasures.request({ citizenId: 'cit-0001-ana', channel: 'telegram', conversationId: '5550001', locale: 'ca' });
    await expect(erasures.confirm(request.id, admin)).rejects.toBeInstanceOf(ErasureBlockedError);
    await expect(erasures.eraseNow('cit-0001-ana', admin)).rejects.toBeInstanceOf(ErasureBlockedError);
    await erasures.reject(request.id, admin, 'hay un expediente sancionador abierto');
    expect(told).toEqual([[expect.objectContaining({ conversationId: '5550001', locale: 'ca' }), { kind: 'rejected', reason: 'hay un expediente sancionador abierto' }]]);
    expect(await sqlTraces(t.db, MARKER)).not.toEqual([]);
    await expect(erasures.reject(request.id, admin, 'otra vez')).rejects.toBeInstanceOf(ErasureBlockedError);
  });
});

async function seed(t: TestDatabase, redis: ReturnType<typeof redisClient>, prefix: string, mediaDir: string): Promise<void> {
  const k = t.db.kysely;
  const at = NOW.toISOString();
  await k.insertInto('citizens').values([
    { id: 'cit-0001-ana', display_name: 'Ana', locale: 'es', created_at: at },
    { id: 'cit-0002-otro', display_name: 'Otro', locale: 'es', created_at: at },
  ]).execute();
  await k.insertInto('channel_identities').values([
    { channel: 'telegram', channel_user_id: '5550001', citizen_id: 'cit-0001-ana', verified: 0, created_at: at },
    { channel: 'telegram', channel_user_id: '5550002', citizen_id: 'cit-0002-otro', verified: 0, created_at: at },
  ]).execute();
  await new HistoryStore(t.db).recordMessages([
    { channel: 'telegram', conversationId: '5550001', citizenId: 'cit-0001-ana', direction: 'in', activityId: 'a1', text: `hay una farola apagada ${MARKER} en la calle Colón 12`, at: NOW },
    { channel: 'telegram', conversationId: '5550001', citizenId: 'cit-0001-ana', direction: 'out', activityId: 'a2', text: `Anotado: farola apagada ${MARKER}`, at: NOW },
    { channel: 'telegram', conversationId: '5550002', citizenId: 'cit-0002-otro', direction: 'in', activityId: 'b1', text: `un bache ${OTHER} en la avenida`, at: NOW },
  ]);
  const [ticket] = await k.insertInto('tickets').values({
    reference: 'ALU-2026-000001', service: 'alumbrado', type: 'reclamo', status: 'open', description: `farola apagada ${MARKER}`, address: `Calle Colón 12 ${MARKER}`,
    lat: 39.47, lon: -0.37, citizen_id: 'cit-0001-ana', channel: 'telegram', conversation_id: 'telegram:5550001', locale: 'es', contact: 'ana@example.org',
    connector_kind: 'builtin', external_id: null, idempotency_key: 'k-1', created_at: at, updated_at: at, delivery: null, delivery_error: null,
    external_token: null, delivered_at: null, last_attempt_at: null, attributes: `{"nota":"${MARKER}"}`,
  }).returning('id').execute();
  await k.insertInto('ticket_events').values({ ticket_id: Number(ticket!.id), status: 'open', note: `creado: ${MARKER}`, at }).execute();
  await k.insertInto('ticket_attachments').values({ ticket_id: Number(ticket!.id), content_type: 'image/png', url: `https://bot.example/media/${PHOTO}`, name: null }).execute();
  await k.insertInto('handoffs').values({
    id: 'handoff-0001', conversation_id: 'telegram:5550001', channel: 'telegram', channel_conversation_id: '5550001', user_id: '5550001', citizen_id: 'cit-0001-ana',
    team: 'atencion-ciudadana', priority: 5, reason: 'asked', summary: JSON.stringify({ description: `farola ${MARKER}` }), locale: 'es', status: 'closed',
    agent_id: null, ticket_reference: 'ALU-2026-000001', resolution: `hablado con Ana ${MARKER}`, created_at: at, queued_at: at, claimed_at: null, ended_at: at,
  }).execute();
  await k.insertInto('handoff_events').values({ handoff_id: 'handoff-0001', kind: 'note', agent_id: null, team: null, note: `nota ${MARKER}`, at }).execute();
  await k.insertInto('satisfaction').values({ handoff_id: 'handoff-0001', team: 'atencion-ciudadana', agent_id: null, score: 5, comment: `gracias ${MARKER}`, at }).execute();
  await k.insertInto('classifier_corrections').values({ text: `farola apagada ${MARKER}`, service: 'alumbrado', type: 'reclamo', locale: 'es', handoff_id: 'handoff-0001', ticket_reference: null, agent_id: 'admin-1', created_at: at }).execute();

  // Redis: every type of value, the citizen's beside another's in shared keys.
  await redis.set(`${prefix}:state:telegram/conversations/5550001`, `e1\n{"draft":"${MARKER}"}`);
  await redis.set(`${prefix}:state:telegram/conversations/5550002`, `e1\n{"draft":"${OTHER}"}`);
  await redis.set(`${prefix}:inbound:seen:telegram-update-9`, JSON.stringify({ conversation: 'telegram:5550001', text: MARKER }));
  await redis.hset(`${prefix}:handoff:preview`, 'handoff-0001', `farola ${MARKER}`, 'handoff-0002', `bache ${OTHER}`);
  await redis.rpush(`${prefix}:transcript:outbox`, JSON.stringify({ conversationId: '5550001', text: 'sí' }), JSON.stringify({ conversationId: '5550002', text: OTHER }), JSON.stringify({ text: `a quote of "hay una farola apagada ${MARKER} en la calle Colón 12"` }));
  await redis.sadd(`${prefix}:inbound:pending`, `telegram:5550001|${MARKER}`, `telegram:5550002|${OTHER}`);
  await redis.zadd(`${prefix}:handoff:claims:atencion-ciudadana`, 1, `handoff-0001:${MARKER}`, 2, `handoff-0002:${OTHER}`);
  await redis.xadd(`${prefix}:bull:outbound-telegram:events`, '*', 'event', 'failed', 'failedReason', `could not send ${MARKER} to 5550001`);
  await redis.xadd(`${prefix}:bull:outbound-telegram:events`, '*', 'event', 'failed', 'failedReason', `could not send ${OTHER}`);
  const queue = new Queue('outbound-telegram', { connection: redis, prefix: `${prefix}:bull` });
  await queue.add('send', { ref: { channel: 'telegram', conversationId: '5550001' }, activities: [{ text: `Anotado: ${MARKER}` }] }, { delay: 60_000 });
  await queue.add('send', { ref: { channel: 'telegram', conversationId: '5550002' }, activities: [{ text: OTHER }] }, { delay: 60_000 });
  await queue.close();

  writeFileSync(join(mediaDir, PHOTO), `png bytes ${MARKER}`);
  writeFileSync(join(mediaDir, COPY), JSON.stringify({ citizenId: 'cit-0001-ana', conversations: [{ messages: [{ text: MARKER }] }] }));
  writeFileSync(join(mediaDir, 'DDDDDDDDDDDDDDDDDDDDDDDD.png'), `another's photo ${OTHER}`);
}
