import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The audit log of people's access to citizens' data (issue 15 part 4): one row per access, chained by
 * hash (see audit-chain.ts). `seq` is assigned by the appender under the chain's lock, not by the
 * database, so it is contiguous: PostgreSQL's identity would skip numbers on a rolled-back append, and a
 * gap must only ever mean a deleted entry. Both dialects store text timestamps (ISO 8601, UTC), as every
 * other table here does.
 */
export function auditLogMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('agent_role', 'text', (c) => c.notNull().check(sql`agent_role in ('agent', 'supervisor', 'admin')`))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('citizen_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('handoff_id', 'text')
        .addColumn('ticket_reference', 'text')
        .addColumn('ip', 'text')
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'seq']).execute();
      await db.schema.createIndex('audit_log_agent').on('audit_log').columns(['agent_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_citizen').on('audit_log').columns(['citizen_id', 'seq']).execute();
    },
  };
}
