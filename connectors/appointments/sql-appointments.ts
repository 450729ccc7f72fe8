import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { systemClock, type Clock } from '../../bot/clock';
import {
  AppointmentNotActiveError,
  ConnectorUnavailableError,
  NoSuchSlotError,
  NotFoundError,
  NotYourAppointmentError,
  OutsideHorizonError,
  SlotFullError,
  SlotInPastError,
} from '../../bot/errors';
import type { Db } from '../../bot/sql/database';
import { sqlGuard } from '../../bot/sql/guard';
import type { AppointmentOffice, AppointmentProcedure, Appointments } from '../../catalog/appointments-schema';
import type { Locale } from '../../catalog/schema';
import type { Appointment, AppointmentStatus, AppointmentsConnector, BookingRequest, OpenSlot } from './appointments-connector';
import { horizonEnd, isSlotStart, slotsBetween, type Slot } from './slots';

/** The appointments table (bot/sql/appointments-migration.ts), typed here: it is this module's own. */
export interface AppointmentsTable {
  id: string;
  reference: string;
  procedure: string;
  office: string;
  scope: string;
  starts_at: string;
  ends_at: string;
  seat: number | null;
  status: AppointmentStatus;
  citizen_id: string;
  representative_id: string | null;
  conversation_key: string;
  locale: string;
  idempotency_key: string | null;
  sequence: number;
  reminded_at: string | null;
  created_at: string;
  updated_at: string;
}
type AppointmentsDb = Kysely<{ appointments: AppointmentsTable }>;
type Row = Selectable<AppointmentsTable>;

/** Citizens read references aloud and type them: no 0/O, 1/I. */
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/**
 * How often one booking or move re-reads the seats after losing a race for one. Each lost race means
 * another writer took a seat, so a slot runs out of seats long before this; only a slot whose places
 * are cancelled and retaken this often in the same moment exhausts it (then: ConnectorUnavailableError, retryable).
 */
const MAX_SEAT_RACES = 64;

export interface SqlAppointmentsOptions {
  /** @defaultValue systemClock */
  clock?: Clock;
}

/**
 * The built-in appointment store, in the bot's SQL database (SQLite or PostgreSQL): the reference
 * implementation of AppointmentsConnector.
 *
 * Read this before changing: a slot can never hold more citizens than its places because each place is
 * a seat number (0…places-1) and a unique index lets one booked row hold each seat of a slot. Booking
 * reads the taken seats, inserts the lowest free one with ON CONFLICT DO NOTHING, and on losing that
 * race reads again; it needs no lock and no transaction, so it behaves the same on one SQLite file
 * shared by several processes and on a PostgreSQL pool. Cancelling sets the seat to NULL (freed); a
 * move is one UPDATE that takes the new seat and drops the old one together.
 *
 * @example
 * const appointments = new SqlAppointments(db, catalog.appointments, { clock });
 * const booked = await appointments.book({ procedure, office, start, citizenId, conversationKey, locale }, turnKey);
 */
export class SqlAppointments implements AppointmentsConnector {
  readonly kind = 'builtin' as const;
  private readonly guard = sqlGuard('built-in appointment store', ConnectorUnavailableError);
  private readonly kysely: AppointmentsDb;
  private readonly clock: Clock;
  private readonly offices: ReadonlyMap<string, AppointmentOffice>;
  private readonly procedures: ReadonlyMap<string, AppointmentProcedure>;

  constructor(db: Db, private readonly catalog: Appointments, opts: SqlAppointmentsOptions = {}) {
    // The table is this module's own: typed here rather than in the shared schema-types.ts.
    this.kysely = db.kysely.withTables<{ appointments: AppointmentsTable }>() as unknown as AppointmentsDb;
    this.clock = opts.clock ?? systemClock;
    this.offices = new Map(catalog.offices.map((o) => [o.code, o]));
    this.procedures = new Map(catalog.procedures.map((p) => [p.code, p]));
  }

  async listSlots(query: { procedure: string; office: string; from: Date; to: Date }): Promise<OpenSlot[]> {
    const { procedure, office } = this.pair(query.procedure, query.office);
    const now = this.clock();
    const from = Math.max(query.from.getTime(), now + 1);
    const to = Math.min(query.to.getTime(), horizonEnd(new Date(now), office.timezone, this.catalog.horizonDays).getTime());
    if (from >= to) return [];
    const slots = slotsBetween(office, procedure.slotMinutes, new Date(from), new Date(to));
    if (slots.length === 0) return [];
    const taken = await this.guard('count booked places', () =>
      this.kysely
        .selectFrom('appointments')
        .select(['starts_at', (eb) => eb.fn.count<string | number>('seat').as('n')])
        .where('office', '=', office.code)
        .where('scope', '=', procedure.code)
        .where('starts_at', '>=', iso(slots[0]!.start))
        .where('starts_at', '<=', iso(slots[slots.length - 1]!.start))
        .where('seat', 'is not', null)
        .groupBy('starts_at')
        .execute(),
    );
    const counts = new Map(taken.map((r) => [r.starts_at, Number(r.n)]));
    const places = office.placesPerSlot;
    return slots
      .map((s) => ({ ...s, places, free: Math.max(0, places - (counts.get(iso(s.start)) ?? 0)) }))
      .filter((s) => s.free > 0);
  }

  async book(request: BookingRequest, key?: string): Promise<Appointment> {
    return this.guard('book an appointment', async () => {
      // A retry gets its first answer back before anything is checked again: the slot may have started since.
      if (key !== undefined) {
        const earlier = await this.byKey(key);
        if (earlier) return earlier;
      }
      const { procedure, office } = this.pair(request.procedure, request.office);
      const slot = this.bookableSlot(office, procedure, request.start);
      for (let race = 0; race < MAX_SEAT_RACES; race++) {
        const seat = await this.freeSeat(office, procedure, slot.start);
        if (seat === undefined) throw new SlotFullError(`no place left at ${office.code} for ${procedure.code} at ${iso(slot.start)}`);
        const now = iso(new Date(this.clock()));
        const row = await this.kysely
          .insertInto('appointments')
          .values({
            id: randomUUID(),
            reference: newReference(),
            procedure: procedure.code,
            office: office.code,
            scope: procedure.code,
            starts_at: iso(slot.start),
            ends_at: iso(slot.end),
            seat,
            status: 'booked',
            citizen_id: request.citizenId,
            representative_id: request.representativeId ?? null,
            conversation_key: request.conversationKey,
            locale: request.locale,
            idempotency_key: key ?? null,
            sequence: 0,
            reminded_at: null,
            created_at: now,
            updated_at: now,
          })
          // Whichever unique index refused the row (the seat, the key, a reference drawn twice), nothing
          // was written and the PostgreSQL connection is still usable: look again.
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return toAppointment(row);
        if (key !== undefined) {
          const winner = await this.byKey(key);
          if (winner) return winner;
        }
      }
      throw new ConnectorUnavailableError(`the slot at ${office.code} for ${procedure.code} kept changing; try again`);
    });
  }

  async listForCitizen(citizenId: string): Promise<Appointment[]> {
    const now = iso(new Date(this.clock()));
    const rows = await this.guard('list appointments', () =>
      this.kysely
        .selectFrom('appointments')
        .selectAll()
        .where('citizen_id', '=', citizenId)
        .where('status', '=', 'booked')
        .where('ends_at', '>', now)
        .orderBy('starts_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(toAppointment);
  }

  async move(reference: string, citizenId: string, start: Date): Promise<Appointment> {
    const current = await this.citizens(reference, citizenId);
    if (current.status !== 'booked') throw new AppointmentNotActiveError(`appointment ${current.reference} is ${current.status}`);
    this.notStarted(current);
    const { procedure, office } = this.pair(current.procedure, current.office);
    const slot = this.bookableSlot(office, procedure, start);
    if (slot.start.getTime() === current.start.getTime()) return current;
    return this.guard('move an appointment', async () => {
      for (let race = 0; race < MAX_SEAT_RACES; race++) {
        const seat = await this.freeSeat(office, procedure, slot.start);
        if (seat === undefined) throw new SlotFullError(`no place left at ${office.code} for ${procedure.code} at ${iso(slot.start)}`);
        let row: Row | undefined;
        try {
          // One statement: the new seat is taken and the old one given back together, or neither is.
          row = await this.kysely
            .updateTable('appointments')
            .set((eb) => ({
              starts_at: iso(slot.start),
              ends_at: iso(slot.end),
              seat,
              sequence: eb('sequence', '+', 1),
              reminded_at: null,
              updated_at: iso(new Date(this.clock())),
            }))
            .where('id', '=', current.id)
            .where('status', '=', 'booked')
            .returningAll()
            .executeTakeFirst();
        } catch (err) {
          if (isUniqueViolation(err)) continue; // another writer took that seat first: look again
          throw err;
        }
        if (row) return toAppointment(row);
        const now = await this.citizens(reference, citizenId); // cancelled or marked meanwhile
        throw new AppointmentNotActiveError(`appointment ${now.reference} is ${now.status}`);
      }
      throw new ConnectorUnavailableError(`the slot at ${office.code} for ${procedure.code} kept changing; try again`);
    });
  }

  async cancel(reference: string, citizenId: string): Promise<Appointment> {
    const current = await this.citizens(reference, citizenId);
    if (current.status === 'cancelled') return current;
    if (current.status !== 'booked') throw new AppointmentNotActiveError(`appointment ${current.reference} is ${current.status}`);
    this.notStarted(current);
    const row = await this.guard('cancel an appointment', () =>
      this.kysely
        .updateTable('appointments')
        .set((eb) => ({ status: 'cancelled', seat: null, sequence: eb('sequence', '+', 1), updated_at: iso(new Date(this.clock())) }))
        .where('id', '=', current.id)
        .where('status', '=', 'booked')
        .returningAll()
        .executeTakeFirst(),
    );
    if (row) return toAppointment(row);
    const now = await this.citizens(reference, citizenId); // a concurrent cancel or mark won
    if (now.status === 'cancelled') return now;
    throw new AppointmentNotActiveError(`appointment ${now.reference} is ${now.status}`);
  }

  /** Office staff: an office's appointments (all procedures, cancelled ones left out) starting in `[from, to)`, in order. */
  async atOffice(office: string, from: Date, to: Date): Promise<Appointment[]> {
    const rows = await this.guard('list an office\'s appointments', () =>
      this.kysely.selectFrom('appointments').selectAll().where('office', '=', office).where('status', '!=', 'cancelled')
        .where('starts_at', '>=', iso(from)).where('starts_at', '<', iso(to)).orderBy('starts_at').orderBy('reference').execute(),
    );
    return rows.map(toAppointment);
  }

  /**
   * Office staff: the citizen came (`attended`) or did not (`no-show`). The place stays counted (the
   * slot is over). Only a booked appointment can be marked.
   */
  async mark(reference: string, status: 'attended' | 'no-show'): Promise<Appointment> {
    const row = await this.guard('mark an appointment', () =>
      this.kysely
        .updateTable('appointments')
        .set({ status, updated_at: iso(new Date(this.clock())) })
        .where('reference', '=', normalizeReference(reference))
        .where('status', '=', 'booked')
        .returningAll()
        .executeTakeFirst(),
    );
    if (row) return toAppointment(row);
    const found = await this.guard('read an appointment', () =>
      this.kysely.selectFrom('appointments').selectAll().where('reference', '=', normalizeReference(reference)).executeTakeFirst(),
    );
    if (!found) throw new NotFoundError(`no appointment ${normalizeReference(reference)}`);
    throw new AppointmentNotActiveError(`appointment ${found.reference} is ${found.status}`);
  }

  /**
   * Claims the booked appointments that start after now and before `before` and have had no reminder yet
   * (at most `limit`, soonest first): each is returned to exactly one caller, also when several workers
   * claim at once, on SQLite and PostgreSQL. A move clears the mark, so a moved appointment is reminded
   * of again. A caller that cannot hand a claimed reminder on (the outbound queue is down) gives it back
   * with `releaseReminder`.
   *
   * @example for (const a of await store.claimReminders(new Date(now + DAY_MS))) await outbound.remind(a);
   */
  async claimReminders(before: Date, limit = 100): Promise<Appointment[]> {
    const now = iso(new Date(this.clock()));
    const rows = await this.guard('claim reminders', () =>
      this.kysely
        .updateTable('appointments')
        .set({ reminded_at: now })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('appointments')
            .select('id')
            .where('status', '=', 'booked')
            .where('reminded_at', 'is', null)
            .where('starts_at', '>', now)
            .where('starts_at', '<', iso(before))
            .orderBy('starts_at')
            .limit(limit),
        )
        // Re-checked on the row itself: of two workers that picked the same id, only the first one's update matches.
        .where('reminded_at', 'is', null)
        .where('status', '=', 'booked')
        .returningAll()
        .execute(),
    );
    return rows.map(toAppointment).sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  /** Gives back a claimed reminder that could not be sent, so the next run claims it again. */
  async releaseReminder(id: string): Promise<void> {
    await this.guard('release a reminder', () => this.kysely.updateTable('appointments').set({ reminded_at: null }).where('id', '=', id).execute());
  }

  /** The procedure and office, when the office attends the procedure; else NoSuchSlotError. */
  private pair(procedureCode: string, officeCode: string): { procedure: AppointmentProcedure; office: AppointmentOffice } {
    const procedure = this.procedures.get(procedureCode);
    const office = this.offices.get(officeCode);
    if (!procedure || !office || !procedure.offices.includes(office.code)) {
      throw new NoSuchSlotError(`office "${officeCode}" does not give appointments for "${procedureCode}"`);
    }
    return { procedure, office };
  }

  /** The slot starting at `start`, when it is one and can be booked now. */
  private bookableSlot(office: AppointmentOffice, procedure: AppointmentProcedure, start: Date): Slot {
    const now = this.clock();
    if (Number.isNaN(start.getTime())) throw new NoSuchSlotError('no slot starts at an invalid date');
    if (start.getTime() <= now) throw new SlotInPastError(`the slot at ${iso(start)} has already started`);
    if (start.getTime() >= horizonEnd(new Date(now), office.timezone, this.catalog.horizonDays).getTime()) {
      throw new OutsideHorizonError(`the slot at ${iso(start)} is more than ${this.catalog.horizonDays} days ahead`);
    }
    if (!isSlotStart(office, procedure.slotMinutes, start)) {
      throw new NoSuchSlotError(`${office.code} has no ${procedure.code} slot at ${iso(start)}`);
    }
    return { start, end: new Date(start.getTime() + procedure.slotMinutes * 60_000) };
  }

  /** An appointment that has started can no longer be moved or cancelled (the office marks it). */
  private notStarted(appointment: Appointment): void {
    if (appointment.start.getTime() <= this.clock()) throw new SlotInPastError(`appointment ${appointment.reference} has already started`);
  }

  /** The lowest seat of the slot no booked row holds, or `undefined` when all are taken. */
  private async freeSeat(office: AppointmentOffice, procedure: AppointmentProcedure, start: Date): Promise<number | undefined> {
    const rows = await this.kysely
      .selectFrom('appointments')
      .select('seat')
      .where('office', '=', office.code)
      .where('scope', '=', procedure.code)
      .where('starts_at', '=', iso(start))
      .where('seat', 'is not', null)
      .execute();
    const taken = new Set(rows.map((r) => Number(r.seat)));
    for (let seat = 0; seat < office.placesPerSlot; seat++) if (!taken.has(seat)) return seat;
    return undefined;
  }

  private async byKey(key: string): Promise<Appointment | undefined> {
    const row = await this.kysely.selectFrom('appointments').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return row && toAppointment(row);
  }

  /** The citizen's appointment with that reference; someone else's is NotYourAppointmentError, like none. */
  private async citizens(reference: string, citizenId: string): Promise<Appointment> {
    const row = await this.guard('read an appointment', () =>
      this.kysely
        .selectFrom('appointments')
        .selectAll()
        .where('reference', '=', normalizeReference(reference))
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst(),
    );
    if (!row) throw new NotYourAppointmentError(`citizen has no appointment ${normalizeReference(reference)}`);
    return toAppointment(row);
  }
}

const iso = (d: Date): string => d.toISOString();

/** References are stored upper-case; citizens type them in any case and with stray spaces. */
export const normalizeReference = (reference: string): string => reference.trim().toUpperCase();

function newReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `CITA-${code}`;
}

/** A unique index refused a write: PostgreSQL's SQLSTATE 23505, better-sqlite3's extended result code. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toAppointment(r: Row): Appointment {
  return {
    id: r.id,
    reference: r.reference,
    procedure: r.procedure,
    office: r.office,
    start: new Date(r.starts_at),
    end: new Date(r.ends_at),
    status: r.status,
    citizenId: r.citizen_id,
    ...(r.representative_id === null ? {} : { representativeId: r.representative_id }),
    conversationKey: r.conversation_key,
    locale: r.locale as Locale,
    sequence: Number(r.sequence),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}
