import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCitizenMigration } from '../../../bot/sql/audit-citizen-migration';
import { auditLogMigration } from '../../../bot/sql/audit-migration';

/*
 * The SQLite rebuild of audit_log that lets it record citizens' own look-ups (issue 16 part 3): every
 * existing entry comes through unchanged (hash and detail included), the indexes are back, and the new
 * check takes `citizen` and still refuses anything else.
 */
describe('the audit log migration for citizen actors, on SQLite', () => {
  let db: Kysely<unknown>;
  beforeEach(async () => {
    db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await auditLogMigration().up(db);
    await db.schema.alterTable('audit_log').addColumn('detail', 'text').execute();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('keeps every entry and index, and widens the roles to citizen only', async () => {
    await sql`insert into audit_log (seq, at, agent_id, agent_role, action, citizen_id, conversation_id, handoff_id, ticket_reference, ip, hash, detail)
      values (1, '2026-03-02T09:00:00.000Z', 'a-1', 'agent', 'citizen.view', 'c-1', 'webchat:x', 'h-1', null, '10.0.0.1', 'hash-1', null),
             (2, '2026-03-02T09:01:00.000Z', 'adm', 'admin', 'data.erase', 'c-2', null, null, 'ALU-2026-000001', null, 'hash-2', '{"messages":3}')`.execute(db);
    const before = (await sql`select * from audit_log order by seq`.execute(db)).rows;
    await auditCitizenMigration('sqlite').up(db);
    expect((await sql`select * from audit_log order by seq`.execute(db)).rows).toEqual(before);
    const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'audit_log' and name not like 'sqlite_%' order by name`.execute(db)).rows.map((r) => r.name);
    expect(indexes).toEqual(['audit_log_agent', 'audit_log_at', 'audit_log_citizen']);
    await sql`insert into audit_log (seq, at, agent_id, agent_role, action, hash) values (3, 'x', 'c-3', 'citizen', 'records.view', 'h')`.execute(db);
    await expect(sql`insert into audit_log (seq, at, agent_id, agent_role, action, hash) values (4, 'x', 'r', 'robot', 'records.view', 'h')`.execute(db)).rejects.toThrow(/CHECK/);
  });
});
