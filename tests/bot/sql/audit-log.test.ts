import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../../bot/sql/audit-chain';
import { AuditLog, type AuditRecord } from '../../../bot/sql/audit-log';
import { DIALECTS, PG_URL, type TestDatabase } from './test-databases';

/* The audit log (issue 15 part 4) on both dialects: a hash chain that stays one chain under concurrent
 * appends from several connections, and whose verification names the first entry altered, deleted,
 * inserted or moved. */

const run = promisify(execFile);
const CHILD = resolve(import.meta.dirname, '../../support/audit-append-child.ts');
const T0 = Date.parse('2026-03-02T09:00:00.000Z');

describe.each(DIALECTS)('AuditLog on $dialect', ({ dialect, open }) => {
  let test: TestDatabase;
  let now: number;
  let audit: AuditLog;
  beforeEach(async () => {
    test = await open();
    now = T0;
    audit = new AuditLog(test.db, { clock: () => now });
  });
  afterEach(async () => {
    await test.drop();
  });

  const access = (i: number): AuditRecord => ({
    actor: { id: `agent-${i % 3}`, role: i % 3 === 2 ? 'admin' : 'agent' }, action: i % 2 ? 'transcript.open' : 'citizen.view',
    citizenId: `citizen-${i % 4}`, handoffId: `h-${i}`, conversationId: `webchat:c-${i}`, ip: `10.0.0.${i % 250}`,
  });
  /** Ten entries, one minute apart. */
  const tenEntries = async () => {
    for (let i = 1; i <= 10; i++) {
      now = T0 + i * 60_000;
      await audit.record(access(i));
    }
  };
  const table = () => sql.table('audit_log');

  it('chains every entry to the previous one from a zero hash, with the injected time and only ids', async () => {
    const first = await audit.record(access(1));
    now += 1_000;
    const second = await audit.record({ actor: { id: 'adm', role: 'admin' }, action: 'audit.view' });
    expect(first).toMatchObject({ seq: 1, at: '2026-03-02T09:00:00.000Z', agentId: 'agent-1', action: 'transcript.open', citizenId: 'citizen-1', ip: '10.0.0.1' });
    expect(first.hash).toBe(chainHash('0'.repeat(64), first));
    expect(second).toMatchObject({ seq: 2, at: '2026-03-02T09:00:01.000Z', citizenId: null, ip: null });
    expect(second.hash).toBe(chainHash(first.hash, second));
    expect(await audit.verify()).toEqual({ ok: true, count: 2, head: second.hash });
  });

  it('keeps one unbroken chain under 200 concurrent appends from four processes and this one', async () => {
    const target = dialect === 'sqlite' ? test.sqlitePath : PG_URL;
    const children = [1, 2, 3, 4].map((n) => run(process.execPath, ['--import', 'tsx', CHILD, target, test.schema ?? '-', '40', `p${n}`]));
    await Promise.all([...children, ...Array.from({ length: 40 }, (_, i) => audit.record({ ...access(i), handoffId: `p0-${i}` }))]);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, count: 200 });
    const handoffs = (await audit.list({}, { limit: 500, offset: 0 })).items.map((e) => e.handoffId);
    expect(new Set(handoffs).size).toBe(200);
  }, 90_000);

  it('verifies an empty log as intact with no entries', async () => {
    expect(await audit.verify()).toEqual({ ok: true, count: 0, head: '0'.repeat(64) });
  });

  it('names an entry whose field was altered', async () => {
    await tenEntries();
    await sql`update ${table()} set citizen_id = 'someone-else' where seq = 6`.execute(test.db.kysely);
    expect(await audit.verify()).toMatchObject({ ok: false, count: 5, brokenAt: 6, reason: expect.stringMatching(/entry 6 does not match its hash/) });
  });

  it('names the entry after a deleted middle one', async () => {
    await tenEntries();
    await sql`delete from ${table()} where seq = 4`.execute(test.db.kysely);
    expect(await audit.verify()).toMatchObject({ ok: false, count: 3, brokenAt: 5, reason: 'entry 5 follows entry 3: 1 entry missing' });
  });

  it('names an entry deleted with the rest renumbered to hide the gap', async () => {
    await tenEntries();
    await sql`delete from ${table()} where seq = 4`.execute(test.db.kysely);
    for (let seq = 5; seq <= 10; seq++) await sql`update ${table()} set seq = ${seq - 1} where seq = ${seq}`.execute(test.db.kysely);
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/does not match its hash/) });
  });

  it('names two entries swapped in order', async () => {
    await tenEntries();
    // Every column but seq of entries 3 and 4 exchanged, hashes included.
    const cols = ['at', 'agent_id', 'agent_role', 'action', 'citizen_id', 'conversation_id', 'handoff_id', 'ticket_reference', 'ip', 'hash'];
    const rows = await sql<Record<string, unknown>>`select * from ${table()} where seq in (3, 4) order by seq`.execute(test.db.kysely);
    for (const [seq, from] of [[3, rows.rows[1]!], [4, rows.rows[0]!]] as const) {
      await sql`update ${table()} set ${sql.join(cols.map((c) => sql`${sql.ref(c)} = ${from[c]}`))} where seq = ${seq}`.execute(test.db.kysely);
    }
    expect(await audit.verify()).toMatchObject({ ok: false, count: 2, brokenAt: 3 });
  });

  it('names the entry after one inserted with a correctly computed hash', async () => {
    await tenEntries();
    for (let seq = 10; seq >= 5; seq--) await sql`update ${table()} set seq = ${seq + 1} where seq = ${seq}`.execute(test.db.kysely);
    const previous = (await sql<{ hash: string }>`select hash from ${table()} where seq = 4`.execute(test.db.kysely)).rows[0]!.hash;
    const forged = { seq: 5, at: '2026-03-02T09:04:30.000Z', agentId: 'agent-0', agentRole: 'agent', action: 'citizen.view', citizenId: 'c', conversationId: null, handoffId: null, ticketReference: null, ip: null };
    await sql`insert into ${table()} (seq, at, agent_id, agent_role, action, citizen_id, hash) values (5, ${forged.at}, 'agent-0', 'agent', 'citizen.view', 'c', ${chainHash(previous, forged)})`.execute(test.db.kysely);
    expect(await audit.verify()).toMatchObject({ ok: false, count: 5, brokenAt: 6 });
  });

  it('lists newest first with filters by agent, action, citizen and date range, and pages', async () => {
    await tenEntries();
    const page = await audit.list({}, { limit: 3, offset: 2 });
    expect(page.total).toBe(10);
    expect(page.items.map((e) => e.seq)).toEqual([8, 7, 6]);
    expect((await audit.list({ agentId: 'agent-1' }, { limit: 50, offset: 0 })).items.map((e) => e.seq)).toEqual([10, 7, 4, 1]);
    expect((await audit.list({ action: 'citizen.view', citizenId: 'citizen-2' }, { limit: 50, offset: 0 })).items.map((e) => e.seq)).toEqual([10, 6, 2]);
    const range = { from: new Date(T0 + 3 * 60_000), to: new Date(T0 + 6 * 60_000) };
    expect(await audit.list(range, { limit: 50, offset: 0 })).toMatchObject({ total: 3, items: [{ seq: 5 }, { seq: 4 }, { seq: 3 }] });
    const all: number[] = [];
    for await (const e of audit.entries({ agentId: 'agent-0' })) all.push(e.seq);
    expect(all).toEqual([9, 6, 3]);
  });

  it("records a citizen's own look-up (role citizen) in the same chain, and the table refuses any other role", async () => {
    await audit.record(access(1));
    now += 1_000;
    const own = await audit.record({ actor: { id: 'citizen-7', role: 'citizen' }, action: 'records.view', citizenId: 'citizen-7', conversationId: 'telegram:c-7' });
    expect(own).toMatchObject({ seq: 2, agentId: 'citizen-7', agentRole: 'citizen', action: 'records.view', citizenId: 'citizen-7' });
    expect(await audit.verify()).toEqual({ ok: true, count: 2, head: own.hash });
    expect((await audit.list({ action: 'records.view' }, { limit: 5, offset: 0 })).items.map((e) => e.seq)).toEqual([2]);
    await expect(sql`insert into ${table()} (seq, at, agent_id, agent_role, action, hash) values (3, 'x', 'a', 'robot', 'citizen.view', 'h')`.execute(test.db.kysely)).rejects.toThrow(/check/i);
  });
});
