import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Citizens' data rights, second part (issue 15 part 4):
 * - `erasure_requests`: a citizen's (or an admin's) request to erase their data, pending until an admin
 *   confirms or rejects it. Once done, the request keeps no way to reach the citizen (privacy/erasure.ts).
 * - `audit_anchor`: one row, the seq and hash of the last audit entry the retention job pruned, so the
 *   chain still verifies from there (bot/sql/audit-log.ts `verify`).
 * - `audit_log.detail`: counts that go with an entry (data.erase: how many of what was removed), covered
 *   by the entry's hash when present (audit-chain.ts `canonical`).
 */
export function dataRightsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('erasure_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('citizen_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'done', 'rejected')`))
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('reason', 'text')
        .addColumn('removed', 'text')
        .execute();
      await db.schema.createIndex('erasure_requests_status').on('erasure_requests').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('erasure_requests_citizen').on('erasure_requests').columns(['citizen_id']).execute();
      await db.schema
        .createTable('audit_anchor')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('pruned_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('audit_log').addColumn('detail', 'text').execute();
    },
  };
}
