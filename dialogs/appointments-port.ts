import type { Attachment } from 'botbuilder';
import type { Appointment, AppointmentsConnector } from '../connectors/appointments/appointments-connector';
import type { Locale } from '../catalog/schema';

/**
 * Appointments as the engine reaches them (issue 16 part 1): the city's system (the built-in SQL store
 * or a REST connector) and, where the app can store files, the appointment's iCalendar file as an
 * attachment the citizen can add to their calendar. Absent: the bot says where to book instead.
 */
export interface AppointmentsPort {
  connector: AppointmentsConnector;
  /** The calendar file of an appointment, in the citizen's language; absent: none is sent. */
  calendarFile?(appointment: Appointment, locale: Locale): Promise<Attachment>;
  /** @defaultValue Date.now */
  clock?: () => number;
}
