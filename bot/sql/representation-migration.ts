import { sql, type Kysely, type Migration } from 'kysely';

/** A representation's states: waiting for an agent, in force until it expires, refused, or ended early. */
export const REPRESENTATION_STATUSES = ['pending', 'approved', 'refused', 'revoked'] as const;

/**
 * Acting for someone else (issue 16 part 4): a verified citizen (the representative) asks to act for
 * another person (an elderly parent, a client of a social service) and uploads proof; an agent approves
 * it with an expiry date or refuses it with a reason. Approval gives the represented person a citizen
 * row of their own (`represented_citizen_id`), so their tickets and appointments are theirs and record
 * who acted. The proof is a file of the media store (`proof_media`, its name), erased with the rest.
 * Instants are ISO 8601 UTC text, as every other table here.
 */
export function representationMigration(): Migration {
  const statuses = sql.join(REPRESENTATION_STATUSES.map((s) => sql.lit(s)));
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('representations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('representative_id', 'text', (c) => c.notNull())
        .addColumn('represented_name', 'text', (c) => c.notNull())
        .addColumn('relationship', 'text', (c) => c.notNull())
        .addColumn('proof_media', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${statuses})`))
        .addColumn('represented_citizen_id', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('reason', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        // Approved rows name whom they let act for: an approval always has both.
        .addCheckConstraint('representations_approved', sql`status <> 'approved' or (represented_citizen_id is not null and expires_at is not null)`)
        .execute();
      await db.schema.createIndex('representations_status').on('representations').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('representations_representative').on('representations').columns(['representative_id', 'status']).execute();
    },
  };
}
