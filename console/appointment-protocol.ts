/**
 * The JSON of the console's appointments desk (console/appointment-routes.ts), shared by the server and
 * the browser app (types only). Described in docs/openapi/console.yaml.
 *
 * - `GET /console/api/appointments?office=&day=YYYY-MM-DD` → OfficeDay: the office's appointments that
 *   day (by default the first office, today in its time zone), without citizens' names: the citizen
 *   shows their reference at the desk
 * - `POST /console/api/appointments/:reference/attendance` `{ status: 'attended' | 'no-show' }` → OfficeAppointment
 * Every signed-in agent, supervisor and admin.
 */

export interface OfficeAppointment {
  reference: string;
  procedure: string;
  /** The procedure's name in Spanish (the console's language). */
  procedureName: string;
  start: string;
  end: string;
  status: 'booked' | 'attended' | 'no-show';
  /** Booked by a representative on the citizen's behalf (issue 16 part 4): either of them may come. */
  byRepresentative?: true;
}

export interface OfficeDay {
  /** Every office, for the picker. */
  offices: Array<{ code: string; name: string }>;
  office: string;
  /** YYYY-MM-DD in the office's time zone. */
  day: string;
  timezone: string;
  items: OfficeAppointment[];
}
