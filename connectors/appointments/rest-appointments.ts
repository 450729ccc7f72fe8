import { z } from 'zod';
import {
  AppointmentNotActiveError,
  ConnectorUnavailableError,
  NoSuchSlotError,
  NotYourAppointmentError,
  OutsideHorizonError,
  SlotFullError,
  SlotInPastError,
  type AppError,
} from '../../bot/errors';
import { LOCALES } from '../../catalog/schema';
import type { Appointment, AppointmentsConnector, BookingRequest, OpenSlot } from './appointments-connector';

/**
 * # The appointments REST protocol (what a city's own appointment system implements)
 *
 * Every request carries `Authorization: Bearer <token>`; requests about one citizen carry their id in
 * the `Citizen-Id` header, never in the URL (proxies and access logs keep URLs). Instants are RFC 3339 UTC.
 * - `GET {url}/slots?procedure=&office=&from=&to=` → `200 { "slots": [{ start, end, free, places }] }`:
 *   the bookable slots starting in `[from, to)` with a place left.
 * - `POST {url}/appointments` with `Idempotency-Key` and `{ procedure, office, start, citizenId,
 *   representativeId?, conversationKey, locale }` → `201`/`200 Appointment` (the same one for a repeated key).
 * - `GET {url}/appointments` (`Citizen-Id`) → `200 { "items": Appointment[] }`: booked, not ended, soonest first.
 * - `POST {url}/appointments/{reference}/move` (`Citizen-Id`) with `{ start }` → `200 Appointment`.
 * - `POST {url}/appointments/{reference}/cancel` (`Citizen-Id`) → `200 Appointment`.
 * Refusals are `4xx { "code": … }` with one of `slot-full`, `slot-past`, `outside-horizon`,
 * `no-such-slot`, `not-found` (also: another citizen's), `not-active`. Anything else (5xx, 401/403, a
 * redirect, no answer within the timeout, a body that does not match) is ConnectorUnavailableError.
 * `conversationKey` is the bot's own: the city stores it and gives it back.
 */
export interface RestAppointmentsOptions {
  /** The base of the city's appointments API. */
  url: string;
  /** The bearer token the city issued to the bot. */
  token: string;
  /** How long to wait for a whole answer. @defaultValue 8_000 */
  timeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

const USER_AGENT = 'citybot-appointments/1';
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const text = (max: number) => z.string().trim().min(1).max(max);
const slotSchema = z.object({ start: instant, end: instant, free: z.number().int().positive(), places: z.number().int().positive() });
const slotsSchema = z.object({ slots: z.array(slotSchema).max(2_000) });
const appointmentSchema = z.object({
  id: text(200),
  reference: text(100),
  procedure: text(100),
  office: text(100),
  start: instant,
  end: instant,
  status: z.enum(['booked', 'cancelled', 'attended', 'no-show']),
  citizenId: text(300),
  representativeId: text(300).optional(),
  conversationKey: text(500),
  locale: z.enum(LOCALES),
  sequence: z.number().int().nonnegative().default(0),
  createdAt: instant,
  updatedAt: instant,
});
const listSchema = z.object({ items: z.array(appointmentSchema).max(200) });
const refusalSchema = z.object({ code: z.string() });

const REFUSALS: Readonly<Record<string, new (message: string) => AppError>> = {
  'slot-full': SlotFullError,
  'slot-past': SlotInPastError,
  'outside-horizon': OutsideHorizonError,
  'no-such-slot': NoSuchSlotError,
  'not-found': NotYourAppointmentError,
  'not-active': AppointmentNotActiveError,
};

/**
 * A city's own appointment system reached over its REST API (the protocol above), in place of the
 * built-in store.
 *
 * @example
 * const appointments = new RestAppointments({ url: config.APPOINTMENTS_URL, token: config.APPOINTMENTS_TOKEN });
 */
export class RestAppointments implements AppointmentsConnector {
  readonly kind = 'rest' as const;
  private readonly url: string;
  /** For error messages: the host only. */
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: RestAppointmentsOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.host = new URL(this.url).host; // also fails fast on a URL that is not one
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async listSlots(q: { procedure: string; office: string; from: Date; to: Date }): Promise<OpenSlot[]> {
    const query = new URLSearchParams({ procedure: q.procedure, office: q.office, from: q.from.toISOString(), to: q.to.toISOString() });
    const answer = await this.call('GET', `/slots?${query}`);
    return this.read(answer, slotsSchema, 'slots').slots;
  }

  async book(request: BookingRequest, key?: string): Promise<Appointment> {
    const body = { ...request, start: request.start.toISOString() };
    const answer = await this.call('POST', '/appointments', { body, ...(key === undefined ? {} : { key }) });
    return appointmentOf(this.read(answer, appointmentSchema, 'a booking'));
  }

  async listForCitizen(citizenId: string): Promise<Appointment[]> {
    const answer = await this.call('GET', '/appointments', { citizenId });
    return this.read(answer, listSchema, 'appointments').items.map(appointmentOf);
  }

  async move(reference: string, citizenId: string, start: Date): Promise<Appointment> {
    const answer = await this.call('POST', `/appointments/${encodeURIComponent(reference.trim())}/move`, { citizenId, body: { start: start.toISOString() } });
    return appointmentOf(this.read(answer, appointmentSchema, 'a move'));
  }

  async cancel(reference: string, citizenId: string): Promise<Appointment> {
    const answer = await this.call('POST', `/appointments/${encodeURIComponent(reference.trim())}/cancel`, { citizenId, body: {} });
    return appointmentOf(this.read(answer, appointmentSchema, 'a cancellation'));
  }

  /** The answer when it is a 2xx matching `schema`; the coded refusal for a documented 4xx; else ConnectorUnavailableError. */
  private read<S extends z.ZodType>({ status, json }: { status: number; json: unknown }, schema: S, what: string): z.output<S> {
    if (status >= 400 && status < 500 && status !== 401 && status !== 403) {
      const refusal = refusalSchema.safeParse(json);
      const Refusal = refusal.success ? REFUSALS[refusal.data.code] : undefined;
      if (Refusal) throw new Refusal(`appointment system at ${this.host} refused ${what}: ${refusal.data?.code}`);
    }
    if (status < 200 || status >= 300) {
      const hint = status === 401 || status === 403 ? ': check the token' : status >= 300 && status < 400 ? ': point the URL at the final address' : '';
      throw new ConnectorUnavailableError(`appointment system at ${this.host} refused ${what} (HTTP ${status})${hint}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ConnectorUnavailableError(`appointment system at ${this.host} answered ${what} in a shape it does not document`, { cause: parsed.error });
    return parsed.data;
  }

  /** One request; network failures and timeouts become ConnectorUnavailableError. */
  private async call(method: 'GET' | 'POST', path: string, o: { citizenId?: string; key?: string; body?: object } = {}): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {
      accept: 'application/json', 'user-agent': USER_AGENT, authorization: `Bearer ${this.options.token}`,
      ...(o.citizenId === undefined ? {} : { 'citizen-id': o.citizenId }),
      ...(o.key === undefined ? {} : { 'idempotency-key': o.key }),
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    try {
      const res = await this.fetch(`${this.url}${path}`, {
        method, headers, ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
        // A redirect would carry the citizen's id and our token wherever it points: none is followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: res.status, json: parseJson(await res.text()) };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new ConnectorUnavailableError(`appointment system at ${this.host} ${timedOut ? `did not answer within ${this.timeoutMs} ms` : 'could not be reached'}`, { cause: err });
    }
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined; // an HTML error page: the status decides
  }
}

function appointmentOf(a: z.output<typeof appointmentSchema>): Appointment {
  const { representativeId, ...rest } = a;
  return representativeId === undefined ? rest : { ...rest, representativeId };
}
