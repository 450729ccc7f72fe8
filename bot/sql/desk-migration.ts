import type { Kysely, Migration } from 'kysely';

/**
 * The all-day desk (issue 15 part 1):
 * - `handoffs_ended`: the history of ended conversations reads them newest end first, a page at a time
 *   (bot/sql/closed-history.ts).
 * - `canned_responses`: supervisors' edits of their teams' canned responses, per language. The catalog's
 *   responses are the defaults; a row here replaces the catalog's text of the same code, adds a new one,
 *   or (`hidden` = 1) withdraws it (bot/sql/canned-store.ts).
 */
export function deskMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('handoffs_ended').on('handoffs').columns(['ended_at', 'id']).execute();
      await db.schema
        .createTable('canned_responses')
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('canned_responses_pk', ['team', 'locale', 'code'])
        .execute();
    },
  };
}
