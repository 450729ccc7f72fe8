import type { Appointments } from '../catalog/appointments-schema';
import type { AppointmentsConnector } from '../connectors/appointments/appointments-connector';
import type { SqlAppointments } from '../connectors/appointments/sql-appointments';
import type { Clock } from './clock';
import type { Config } from './config';
import { ConfigError } from './errors';
import type { Db } from './sql/database';

/** The city's appointment system as the app uses it (issue 16 part 1). */
export interface AppointmentSystem {
  /** What the engine books, lists, moves and cancels through. */
  connector: AppointmentsConnector;
  /**
   * The built-in store, which alone also claims the day-before reminders and shows the office desks'
   * day in the console. Absent with the REST connector: see appointmentsFromConfig.
   */
  builtin?: SqlAppointments;
}

/**
 * The appointment system of a city whose catalog has offices and procedures (`appointments`), or
 * undefined without them: the built-in SQL store (`APPOINTMENTS_CONNECTOR=builtin`, the default), or the
 * city's own system over REST (`rest`: `APPOINTMENTS_URL`, `APPOINTMENTS_TOKEN`, `APPOINTMENTS_TIMEOUT_MS`;
 * docs/openapi/appointments.yaml). The catalog's offices and procedures are still the city's: their codes
 * are what the REST API is asked about, and their names, addresses and time zones what citizens read.
 *
 * With REST the bot sends no reminders and the console has no office desk: the REST contract has no way to
 * claim the appointments due tomorrow (only one citizen's at a time), and a city that runs its own
 * appointment system reminds citizens and attends its desks through it. A bot-side copy of the bookings
 * made in the chat would miss every move and cancellation made elsewhere and remind of stale ones.
 *
 * Loaded lazily: web processes of a city without appointments never load either connector.
 */
export async function appointmentsFromConfig(config: Config, plan: Appointments | undefined, db: Db, clock: Clock): Promise<AppointmentSystem | undefined> {
  if (!plan) {
    if (config.APPOINTMENTS_CONNECTOR === 'rest') throw new ConfigError('APPOINTMENTS_CONNECTOR=rest: the catalog has no appointments (its offices and procedures name what the city\'s system is asked about)');
    return undefined;
  }
  if (config.APPOINTMENTS_CONNECTOR === 'rest') {
    const { RestAppointments } = await import('../connectors/appointments/rest-appointments');
    // config.ts requires both with `rest`.
    return { connector: new RestAppointments({ url: config.APPOINTMENTS_URL!, token: config.APPOINTMENTS_TOKEN!, timeoutMs: config.APPOINTMENTS_TIMEOUT_MS }) };
  }
  const { SqlAppointments } = await import('../connectors/appointments/sql-appointments');
  const builtin = new SqlAppointments(db, plan, { clock });
  return { connector: builtin, builtin };
}
