import type { Kysely, Migration } from 'kysely';

/**
 * The council's dashboards (issue 15 part 3, bot/sql/stats-store.ts) add up rows by when they happened over
 * a range of days: these indexes let each count read that range instead of the whole table. Conversations
 * are "in the range" when they started before its end and were last active after its start.
 */
export function statsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('conversations_started').on('conversations').column('started_at').execute();
      await db.schema.createIndex('conversations_active').on('conversations').column('last_activity_at').execute();
      await db.schema.createIndex('handoffs_created').on('handoffs').column('created_at').execute();
      await db.schema.createIndex('tickets_created').on('tickets').column('created_at').execute();
      await db.schema.createIndex('satisfaction_at').on('satisfaction').column('at').execute();
    },
  };
}
