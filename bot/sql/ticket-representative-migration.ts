import type { Kysely, Migration } from 'kysely';

/**
 * Tickets filed on someone's behalf (issue 16 part 4): the ticket is the represented person's
 * (`citizen_id`, the citizen an approved representation gave them) and `representative_id` names who
 * filed it, so both people are on record. Null for a ticket a citizen filed for themselves. No foreign key,
 * as for `citizen_id`: tickets are the system of record and outlive both citizens' transcripts.
 */
export function ticketRepresentativeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('tickets').addColumn('representative_id', 'text').execute();
      // "Mis solicitudes" of a representative lists the tickets they filed for others too.
      await db.schema.createIndex('tickets_representative').on('tickets').columns(['representative_id', 'created_at']).execute();
    },
  };
}
