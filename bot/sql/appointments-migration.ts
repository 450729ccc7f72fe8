import { sql, type Kysely, type Migration } from 'kysely';

/** The states of an appointment: only `booked` rows hold a seat until they are marked. */
export const APPOINTMENT_STATUSES = ['booked', 'cancelled', 'attended', 'no-show'] as const;

/**
 * Appointments (issue 16 part 1), the built-in store's table (connectors/appointments/sql-appointments.ts).
 *
 * Capacity is a constraint, not a count: a slot of `places` places has seats 0…places-1, and the unique
 * index on (office, scope, starts_at, seat) lets each seat be held by one row. A cancelled appointment
 * gives its seat back by setting it to NULL (NULLs never collide in a unique index, on SQLite and
 * PostgreSQL alike), so no partial index is needed. `scope` is whose places the seat is of: today the
 * procedure (each procedure has its own places at an office); a shared pool would write the office's code.
 * Instants are ISO 8601 UTC text with milliseconds (`Date#toISOString`), which sorts as time does.
 */
export function appointmentsMigration(): Migration {
  const statuses = sql.join(APPOINTMENT_STATUSES.map((s) => sql.lit(s)));
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('appointments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('procedure', 'text', (c) => c.notNull())
        .addColumn('office', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('seat', 'integer', (c) => c.check(sql`seat >= 0`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${statuses})`))
        .addColumn('citizen_id', 'text', (c) => c.notNull())
        // Who booked for the citizen (a relative, a social worker), when that comes (issue 16 later parts).
        .addColumn('representative_id', 'text')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        // A retried turn or job books once: the same key returns the first appointment.
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        // iCalendar SEQUENCE: +1 on every move or cancel, so calendars replace their copy.
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reminded_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('appointments_seat_held', sql`(status = 'booked') = (seat is not null) or status in ('attended', 'no-show')`)
        .execute();
      await db.schema.createIndex('appointments_seat_uq').unique().on('appointments').columns(['office', 'scope', 'starts_at', 'seat']).execute();
      await db.schema.createIndex('appointments_citizen').on('appointments').columns(['citizen_id', 'starts_at']).execute();
      await db.schema.createIndex('appointments_due').on('appointments').columns(['status', 'starts_at']).execute();
    },
  };
}
