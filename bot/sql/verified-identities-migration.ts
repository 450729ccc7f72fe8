import type { Kysely, Migration } from 'kysely';

/**
 * The verified identities (issue 16 parts 2 and 3): one row per identifier the city's identity provider
 * verified, keyed by its keyed hash (the `oidc` identity's channel user id in channel_identities), with the
 * assurance level (`acr`) and the time of the latest sign-in. `identifier_sealed` is the identifier itself,
 * encrypted (bot/identity/identifier-seal.ts), kept only while a records connector needs it (RECORDS_URL);
 * otherwise null. The row goes with its citizen (merges move it, erasure and retention delete it).
 */
export function verifiedIdentitiesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('verified_identities')
        .addColumn('identifier_hash', 'text', (c) => c.primaryKey())
        .addColumn('citizen_id', 'text', (c) => c.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('acr', 'text')
        .addColumn('verified_at', 'text', (c) => c.notNull())
        .addColumn('identifier_sealed', 'text')
        .execute();
      await db.schema.createIndex('verified_identities_citizen').on('verified_identities').columns(['citizen_id', 'verified_at']).execute();
    },
  };
}
