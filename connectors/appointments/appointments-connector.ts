import type { Locale } from '../../catalog/schema';
import type { Slot } from './slots';

/** Where an appointment stands. Only `booked` ones hold a place and can be moved or cancelled. */
export type AppointmentStatus = 'booked' | 'cancelled' | 'attended' | 'no-show';

/** One citizen's appointment for a procedure at an office. */
export interface Appointment {
  /** The store's own id (also the iCalendar UID's local part). */
  id: string;
  /** What the citizen sees and types to move or cancel it, e.g. `CITA-7KM3QX`. */
  reference: string;
  /** Codes from the catalog's `appointments`. */
  procedure: string;
  office: string;
  start: Date;
  end: Date;
  status: AppointmentStatus;
  citizenId: string;
  /** Who booked on the citizen's behalf, when someone did. */
  representativeId?: string;
  /** `<channel>:<conversation id>` the citizen booked from: where the reminder goes. */
  conversationKey: string;
  locale: Locale;
  /** Bumped on every move or cancel (iCalendar SEQUENCE), so calendar apps replace their copy. */
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A slot that can still be booked, and how many of its places are left. */
export interface OpenSlot extends Slot {
  free: number;
  places: number;
}

/** What a citizen (or whoever books for them) asks for. */
export interface BookingRequest {
  procedure: string;
  office: string;
  /** The slot's start, exactly as listed by `listSlots`. */
  start: Date;
  citizenId: string;
  representativeId?: string;
  conversationKey: string;
  locale: Locale;
}

/**
 * An appointment system: our built-in SQL store (SqlAppointments), or a city's own behind a REST
 * connector. Implementations translate their failures into AppErrors from bot/errors.ts: SlotFullError,
 * SlotInPastError, OutsideHorizonError, NoSuchSlotError, NotYourAppointmentError, AppointmentNotActiveError,
 * and ConnectorUnavailableError (retryable) when the system cannot be reached.
 *
 * @example
 * const [first] = await appointments.listSlots({ procedure: 'empadronamiento', office: 'oac-centro', from: now, to: nextWeek });
 * const booked = await appointments.book({ procedure: 'empadronamiento', office: 'oac-centro', start: first.start, citizenId, conversationKey, locale: 'es' }, turnKey);
 */
export interface AppointmentsConnector {
  readonly kind: 'builtin' | 'rest';
  /** Slots of the procedure at the office starting in `[from, to)` that can still be booked (later than now, within the horizon, a place left), in order. */
  listSlots(query: { procedure: string; office: string; from: Date; to: Date }): Promise<OpenSlot[]>;
  /**
   * Takes a place in the slot, or throws SlotFullError when none is left. Idempotent on `key`: a retried
   * turn or job gets the first appointment back, never a second one.
   */
  book(request: BookingRequest, key?: string): Promise<Appointment>;
  /** The citizen's booked appointments that have not ended, soonest first. */
  listForCitizen(citizenId: string): Promise<Appointment[]>;
  /**
   * Moves the citizen's appointment to another slot of the same procedure and office, atomically: the
   * new place is taken before the old one is given back, so a full new slot leaves the old one intact.
   */
  move(reference: string, citizenId: string, start: Date): Promise<Appointment>;
  /** Cancels the citizen's appointment and frees its place. Cancelling a cancelled one returns it unchanged. */
  cancel(reference: string, citizenId: string): Promise<Appointment>;
}
