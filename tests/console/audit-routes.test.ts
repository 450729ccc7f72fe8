import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../bot/sql/audit-log';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ConsoleClient, createAgent } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * The audit log through the real app (ROLE=all, Redis, SQLite, a citizen on Direct Line): opening a
 * handoff records the transcript and the citizen 360 view with who and from where; admins list, filter
 * and export it, and reading it is recorded too; nobody else reaches it.
 */

const DESK = 'atencion-ciudadana';
let bot: RunningApp;
let db: Db;
let agent: ConsoleClient;
let admin: ConsoleClient;
let opened: { id: string; citizenId: string; conversationId: string };

const dir = mkdtempSync(path.join(tmpdir(), 'audit-routes-'));

beforeAll(async () => {
  // Teams always open: a citizen asking for a person gets one whatever the hour.
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  const suffix = randomUUID().slice(0, 6);
  await createAgent(db, `ana-${suffix}@ajuntament.cat`, 'Ana', [DESK]);
  await createAgent(db, `root-${suffix}@ajuntament.cat`, 'Root', [], { role: 'admin' });
  agent = await ConsoleClient.login(bot.url, `ana-${suffix}@ajuntament.cat`);
  admin = await ConsoleClient.login(bot.url, `root-${suffix}@ajuntament.cat`);

  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  citizen.end();
  const row = await waitFor(() => db.kysely.selectFrom('handoffs').select(['id', 'citizen_id']).where('conversation_id', '=', key).executeTakeFirst(), 'the handoff in SQL');
  opened = { id: row.id, citizenId: row.citizen_id, conversationId: key };
  // Behind a proxy express trusts (loopback, the default TRUST_PROXY), the caller is the forwarded address.
  const res = await fetch(`${bot.url}/console/api/handoffs/${row.id}`, { headers: { cookie: agent.cookie, origin: bot.url, 'x-forwarded-for': '203.0.113.9' } });
  expect(res.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log of the console', () => {
  it('records an opened handoff as its transcript and its citizen 360 view, by whom, from where, and nothing more', async () => {
    const entries = (await new AuditLog(db).list({ agentId: agent.agent.id }, { limit: 10, offset: 0 })).items;
    expect(entries.map((e) => e.action)).toEqual(['citizen.view', 'transcript.open']);
    expect(entries[1]).toMatchObject({ agentRole: 'agent', handoffId: opened.id, conversationId: opened.conversationId, citizenId: opened.citizenId, ip: '203.0.113.9', ticketReference: null });
    expect(entries[0]).toMatchObject({ citizenId: opened.citizenId, handoffId: null, ip: '203.0.113.9' });
    expect(Date.parse(entries[0]!.at)).not.toBeNaN();
  });

  it('lets an admin list it filtered by agent, action, citizen and dates, and records that reading', async () => {
    const all = await new AuditLog(db).list({ agentId: agent.agent.id }, { limit: 10, offset: 0 });
    const day = all.items[0]!.at.slice(0, 10);
    const q = new URLSearchParams({ agent: agent.agent.id, action: 'transcript.open', citizen: opened.citizenId, from: day, to: day, limit: '5' });
    const res = await admin.get(`/admin/audit?${q}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, limit: 5, offset: 0, items: [{ action: 'transcript.open', handoffId: opened.id, agentId: agent.agent.id }] });

    const before = new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10);
    expect((await admin.get(`/admin/audit?agent=${agent.agent.id}&to=${before}`)).body.total).toBe(0);
    // The readings themselves: this one first, then the one filtered by the citizen, with that citizen.
    const readings = await admin.get(`/admin/audit?agent=${admin.agent.id}&action=audit.view&limit=3`);
    expect(readings.body.items.map((e: { citizenId: string | null }) => e.citizenId)).toEqual([null, null, opened.citizenId]);
    expect(readings.body.items[2]).toMatchObject({ agentId: admin.agent.id, agentRole: 'admin', ip: '127.0.0.1' });
  });

  it('exports the matching entries as CSV, and records the export', async () => {
    const res = await fetch(`${bot.url}/console/api/admin/audit/csv?citizen=${encodeURIComponent(opened.citizenId)}`, { headers: { cookie: admin.cookie, origin: bot.url } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?registro-accesos-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['transcript.open', 'citizen.view', 'audit.export']));
    expect(rows.find((r) => r.action === 'transcript.open')).toMatchObject({ agentId: agent.agent.id, handoffId: opened.id, ip: '203.0.113.9' });
    expect(Object.keys(rows[0]!)).toEqual(['seq', 'at', 'agentId', 'agentRole', 'action', 'citizenId', 'conversationId', 'handoffId', 'ticketReference', 'ip', 'hash']);
    expect((await new AuditLog(db).verify()).ok).toBe(true);
  });

  it('refuses agents and bad filters with clear errors', async () => {
    expect((await agent.get('/admin/audit')).status).toBe(403);
    expect((await fetch(`${bot.url}/console/api/admin/audit/csv`, { headers: { cookie: agent.cookie, origin: bot.url } })).status).toBe(403);
    const bad = await admin.get('/admin/audit?action=peek&from=yesterday&limit=9999');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('E_BAD_INPUT');
    expect(bad.body.error.message).toMatch(/action/);
    expect((await admin.get('/admin/audit?who=me')).status).toBe(400);
  });
});
