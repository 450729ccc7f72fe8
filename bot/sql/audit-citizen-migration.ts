import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from './migrations';

const ROLES = sql`agent_role in ('agent', 'supervisor', 'admin', 'citizen')`;

/**
 * The audit log records a citizen's own look-ups too (issue 16 part 3: each read of their records in the
 * city's systems): `agent_role` may now be `citizen`, the actor's id then being the citizen's. Entries
 * and their hashes are unchanged. PostgreSQL swaps the check constraint; SQLite cannot alter one, so the
 * table is rebuilt with the same columns, rows and indexes (inside the migration's transaction).
 */
export function auditCitizenMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table audit_log drop constraint if exists audit_log_agent_role_check`.execute(db);
        await sql`alter table audit_log add constraint audit_log_agent_role_check check (${ROLES})`.execute(db);
        return;
      }
      await db.schema
        .createTable('audit_log_next')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('agent_role', 'text', (c) => c.notNull().check(ROLES))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('citizen_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('handoff_id', 'text')
        .addColumn('ticket_reference', 'text')
        .addColumn('ip', 'text')
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      const columns = sql.raw('seq, at, agent_id, agent_role, action, citizen_id, conversation_id, handoff_id, ticket_reference, ip, hash, detail');
      await sql`insert into audit_log_next (${columns}) select ${columns} from audit_log`.execute(db);
      await db.schema.dropTable('audit_log').execute();
      await sql`alter table audit_log_next rename to audit_log`.execute(db);
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'seq']).execute();
      await db.schema.createIndex('audit_log_agent').on('audit_log').columns(['agent_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_citizen').on('audit_log').columns(['citizen_id', 'seq']).execute();
    },
  };
}
