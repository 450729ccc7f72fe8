import { mkdtempSync, existsSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueEvents } from 'bullmq';
import { RetentionSchema } from '../../catalog/schema';
import { sql } from 'kysely';
import { AuditLog } from '../../bot/sql/audit-log';
import { HistoryStore } from '../../bot/sql/history-store';
import { createLogger } from '../../bot/logger';
import { applyRetention, PSEUDONYM_PREFIX } from '../../privacy/retention';
import { RetentionJob } from '../../privacy/retention-job';
import { DIALECTS, sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

/* The city's retention periods on real SQLite and PostgreSQL and a real media folder; the nightly job on real Redis. */

const NOW = new Date('2026-06-15T03:15:00.000Z');
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const policy = RetentionSchema.parse({ transcriptsDays: 30, attachmentsDays: 30, identitiesDays: 60, handoffsDays: 30, ticketsDays: 90 });

async function seed(t: TestDatabase, mediaDir: string): Promise<void> {
  const k = t.db.kysely;
  await k.insertInto('citizens').values([
    { id: 'old', display_name: 'Vieja', locale: 'es', created_at: daysAgo(400) },
    { id: 'new', display_name: 'Nueva', locale: 'es', created_at: daysAgo(400) },
  ]).execute();
  await k.insertInto('channel_identities').values([
    { channel: 'telegram', channel_user_id: '1', citizen_id: 'old', verified: 0, created_at: daysAgo(400) },
    { channel: 'telegram', channel_user_id: '2', citizen_id: 'new', verified: 0, created_at: daysAgo(400) },
  ]).execute();
  const history = new HistoryStore(t.db);
  await history.recordMessages([
    { channel: 'telegram', conversationId: '1', citizenId: 'old', direction: 'in', activityId: 'o1', text: 'viejo', at: new Date(daysAgo(100)) },
    { channel: 'telegram', conversationId: '2', citizenId: 'new', direction: 'in', activityId: 'n1', text: 'antiguo', at: new Date(daysAgo(45)) },
    { channel: 'telegram', conversationId: '2', citizenId: 'new', direction: 'in', activityId: 'n2', text: 'reciente', at: new Date(daysAgo(5)) },
  ]);
  const ticket = (reference: string, status: 'open' | 'closed', updated: number, description: string) => ({
    reference, service: 'alumbrado', type: 'reclamo' as const, status, description, address: 'Calle Colón 12', lat: null, lon: null,
    citizen_id: 'old', channel: 'telegram', conversation_id: 'telegram:1', locale: 'es' as const, contact: 'ana@example.org',
    connector_kind: 'builtin', external_id: null, idempotency_key: `k-${reference}`, created_at: daysAgo(300), updated_at: daysAgo(updated), delivery: null,
    delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: '{"dni":"12345678Z"}',
  });
  const rows = await k.insertInto('tickets').values([
    ticket('ALU-2026-000001', 'closed', 200, 'Farola rota, llamadme al 612 345 678'),
    ticket('ALU-2026-000002', 'open', 200, 'Sigue abierta'),
    ticket('ALU-2026-000003', 'closed', 10, 'Cerrada hace poco'),
  ]).returning('id').execute();
  writeFileSync(join(mediaDir, 'AAAAAAAAAAAAAAAAAAAAAAAA.png'), 'old photo of ticket 2');
  writeFileSync(join(mediaDir, 'BBBBBBBBBBBBBBBBBBBBBBBB.png'), 'old photo nobody links');
  writeFileSync(join(mediaDir, 'BBBBBBBBBBBBBBBBBBBBBBBB.png.owner'), 'webchat:x');
  writeFileSync(join(mediaDir, 'CCCCCCCCCCCCCCCCCCCCCCCC.json'), 'a fresh copy of data');
  const old = (NOW.getTime() - 100 * 86_400_000) / 1000;
  for (const f of ['AAAAAAAAAAAAAAAAAAAAAAAA.png', 'BBBBBBBBBBBBBBBBBBBBBBBB.png', 'BBBBBBBBBBBBBBBBBBBBBBBB.png.owner']) utimesSync(join(mediaDir, f), old, old);
  await k.insertInto('ticket_attachments').values([
    { ticket_id: Number(rows[1]!.id), content_type: 'image/png', url: 'https://bot.example/media/AAAAAAAAAAAAAAAAAAAAAAAA.png', name: null },
    { ticket_id: Number(rows[0]!.id), content_type: 'image/png', url: 'https://bot.example/media/ZZZZZZZZZZZZZZZZZZZZZZZZ.png', name: null },
  ]).execute();
  await k.insertInto('handoffs').values([
    handoff('h-old', daysAgo(40)), handoff('h-new', daysAgo(3)), handoff('h-open', null),
  ]).execute();
}

const handoff = (id: string, endedAt: string | null) => ({
  id, conversation_id: 'telegram:2', channel: 'telegram', channel_conversation_id: '2', user_id: '2', citizen_id: 'new', team: 'atencion-ciudadana',
  priority: 5, reason: 'asked' as const, summary: '{}', locale: 'es' as const, status: endedAt ? 'closed' as const : 'queued' as const, agent_id: null,
  ticket_reference: null, resolution: null, created_at: daysAgo(50), queued_at: daysAgo(50), claimed_at: null, ended_at: endedAt,
});

describe.each(DIALECTS)('applyRetention on $dialect', ({ open }) => {
  let t: TestDatabase;
  let mediaDir: string;
  beforeEach(async () => {
    t = await open();
    mediaDir = mkdtempSync(join(tmpdir(), 'retention-'));
    await seed(t, mediaDir);
  });
  afterEach(async () => {
    await t.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('removes what is past its period, pseudonymises old finished tickets, keeps the rest, and a second run changes nothing', async () => {
    const report = await applyRetention(t.db, mediaDir, policy, NOW);
    expect(report).toEqual({ messages: 2, conversations: 1, handoffs: 1, ticketsPseudonymised: 1, ticketsDeleted: 0, identities: 1, citizens: 0, files: 1, auditEntries: 0 });
    const k = t.db.kysely;
    expect((await k.selectFrom('messages').select('text').execute()).map((m) => m.text)).toEqual(['reciente']);
    expect((await k.selectFrom('handoffs').select('id').orderBy('id').execute()).map((h) => h.id)).toEqual(['h-new', 'h-open']);
    expect((await k.selectFrom('channel_identities').select('channel_user_id').execute()).map((i) => i.channel_user_id)).toEqual(['2']);
    // The old citizen stays while tickets carry their id (the open one does).
    expect((await k.selectFrom('citizens').select('id').orderBy('id').execute()).map((c) => c.id)).toEqual(['new', 'old']);
    const tickets = await k.selectFrom('tickets').selectAll().orderBy('reference').execute();
    expect(tickets[0]).toMatchObject({ contact: null, attributes: null, conversation_id: 'anon', status: 'closed' });
    expect(tickets[0]!.citizen_id.startsWith(PSEUDONYM_PREFIX)).toBe(true);
    expect(tickets[0]!.description).not.toContain('612 345 678');
    expect(tickets[1]).toMatchObject({ citizen_id: 'old', contact: 'ana@example.org' });
    expect(tickets[2]).toMatchObject({ citizen_id: 'old', contact: 'ana@example.org' });
    expect(await k.selectFrom('ticket_attachments').select('url').execute()).toEqual([{ url: 'https://bot.example/media/AAAAAAAAAAAAAAAAAAAAAAAA.png' }]);
    expect(existsSync(join(mediaDir, 'AAAAAAAAAAAAAAAAAAAAAAAA.png'))).toBe(true);
    expect(existsSync(join(mediaDir, 'BBBBBBBBBBBBBBBBBBBBBBBB.png'))).toBe(false);
    expect(existsSync(join(mediaDir, 'BBBBBBBBBBBBBBBBBBBBBBBB.png.owner'))).toBe(false);
    expect(existsSync(join(mediaDir, 'CCCCCCCCCCCCCCCCCCCCCCCC.json'))).toBe(true);

    expect(await applyRetention(t.db, mediaDir, policy, NOW)).toEqual({ messages: 0, conversations: 0, handoffs: 0, ticketsPseudonymised: 0, ticketsDeleted: 0, identities: 0, citizens: 0, files: 0, auditEntries: 0 });
  });

  it('deletes old finished tickets instead when the city says so, and then the citizen with nothing left', async () => {
    const k = t.db.kysely;
    await k.updateTable('tickets').set({ status: 'closed', updated_at: daysAgo(200) }).execute();
    const report = await applyRetention(t.db, mediaDir, { ...policy, tickets: 'delete' }, NOW);
    expect(report).toMatchObject({ ticketsDeleted: 3, ticketsPseudonymised: 0, citizens: 1 });
    expect(await k.selectFrom('tickets').select('id').execute()).toEqual([]);
    expect(await k.selectFrom('ticket_attachments').select('id').execute()).toEqual([]);
    expect((await k.selectFrom('citizens').select('id').execute()).map((c) => c.id)).toEqual(['new']);
  });
});

describe.each(DIALECTS)('audit log retention on $dialect', ({ open }) => {
  it('prunes entries past auditDays, keeps the last pruned hash as the anchor, and what remains (and what follows) still verifies', async () => {
    const t = await open();
    const mediaDir = mkdtempSync(join(tmpdir(), 'retention-'));
    try {
      let now = new Date(daysAgo(100));
      const audit = new AuditLog(t.db, { clock: () => now.getTime() });
      const actor = { id: 'a-1', role: 'admin' as const };
      for (const [at, citizenId] of [[100, 'c-1'], [50, 'c-2'], [20, 'c-3'], [5, 'c-4']] as const) {
        now = new Date(daysAgo(at));
        await audit.record({ actor, action: 'citizen.view', citizenId });
      }
      const report = await applyRetention(t.db, mediaDir, { ...policy, auditDays: 30 }, NOW);
      expect(report.auditEntries).toBe(2);
      const kept = (await audit.list({}, { limit: 10, offset: 0 })).items;
      expect(kept.map((e) => [e.seq, e.citizenId])).toEqual([[4, 'c-4'], [3, 'c-3']]);
      expect(await audit.anchor()).toEqual({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(await audit.verify()).toEqual({ ok: true, count: 2, head: kept[0]!.hash });

      // The chain goes on from the kept head; tampering with what remains is still found.
      now = NOW;
      await audit.record({ actor, action: 'data.erase', citizenId: 'c-5', detail: { messages: 3 } });
      expect(await audit.verify()).toMatchObject({ ok: true, count: 3 });
      await sql`update audit_log set citizen_id = 'c-9' where seq = 3`.execute(t.db.kysely);
      expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 3 });
      await sql`update audit_log set citizen_id = 'c-3' where seq = 3`.execute(t.db.kysely);
      await sql`delete from audit_log where seq = 3`.execute(t.db.kysely);
      expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 4 });

      // Everything pruned: the next entry continues from the anchor.
      await applyRetention(t.db, mediaDir, { ...policy, auditDays: 1 }, new Date(NOW.getTime() + 10 * 86_400_000));
      expect(await audit.list({}, { limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
      await audit.record({ actor, action: 'audit.view' });
      expect(await audit.verify()).toMatchObject({ ok: true, count: 1 });
      expect((await audit.list({}, { limit: 1, offset: 0 })).items[0]!.seq).toBe(6);
    } finally {
      await t.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    }
  });
});

describe('the nightly job', () => {
  const redis = redisClient();
  const prefix = testPrefix();
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('is scheduled at 03:15 in the city\'s time zone, once however many workers start it, and a run applies the periods', async () => {
    const t = await sqliteTestDatabase();
    const mediaDir = mkdtempSync(join(tmpdir(), 'retention-'));
    await seed(t, mediaDir);
    const log = createLogger('silent');
    const jobs = [new RetentionJob(redis, prefix, log), new RetentionJob(redis, prefix, log)];
    const connections = [redisClient(), redisClient()];
    const events = new QueueEvents('privacy-retention', { connection: redisClient(), prefix });
    try {
      for (const [i, job] of jobs.entries()) await job.start(connections[i]!, { db: t.db, mediaDir, policy, timezone: 'Europe/Madrid', clock: () => NOW.getTime() });
      const schedulers = await jobs[0]!.queue.getJobSchedulers();
      expect(schedulers).toMatchObject([{ key: 'nightly', pattern: '15 3 * * *', tz: 'Europe/Madrid' }]);
      await events.waitUntilReady();
      const run = await jobs[0]!.queue.add('apply', {});
      expect(await run.waitUntilFinished(events, 20_000)).toMatchObject({ messages: 2, handoffs: 1, ticketsPseudonymised: 1 });
    } finally {
      for (const job of jobs) await job.close();
      await events.close();
      for (const c of connections) await c.quit();
      await t.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    }
  });
});
