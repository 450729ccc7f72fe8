import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { BadInputError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { Clock } from '../bot/clock';
import type { Appointments } from '../catalog/appointments-schema';
import type { Appointment } from '../connectors/appointments/appointments-connector';
import type { SqlAppointments } from '../connectors/appointments/sql-appointments';
import { civilDay } from '../connectors/appointments/slots';
import { instantOf } from '../handoff/office-hours';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';
import type { OfficeAppointment, OfficeDay } from './appointment-protocol';

export interface AppointmentRoutesDeps {
  store: Pick<SqlAppointments, 'atOffice' | 'mark'>;
  plan: Appointments;
  requireAgent: RequestHandler;
  clock: Clock;
  log: Logger;
}

const BASE = '/console/api/appointments';
const DAY_MS = 86_400_000;
const Query = z.object({ office: z.string().max(100).optional(), day: z.iso.date().optional() }).strict();
const Attendance = z.object({ status: z.enum(['attended', 'no-show']) }).strict();
const Reference = z.string().trim().min(1).max(40);

/**
 * The office desk's day (issue 16 part 1): who is expected when, by reference, and marking each one
 * attended or not. See appointment-protocol.ts for the routes. No caching.
 */
export function createAppointmentRoutes(deps: AppointmentRoutesDeps): Router {
  const router = express.Router();
  const staff = [noStore, express.json({ limit: '2kb' }), deps.requireAgent];
  const route = (fn: (req: Request) => Promise<unknown>): RequestHandler => (req, res, next) => {
    fn(req).then((body) => res.json(body), next);
  };

  router.get(BASE, ...staff, route(async (req): Promise<OfficeDay> => {
    const q = Query.parse(req.query);
    const office = q.office === undefined ? deps.plan.offices[0] : deps.plan.offices.find((o) => o.code === q.office);
    if (!office) throw new BadInputError(`no office "${q.office}"`);
    const day = q.day ?? new Date(civilDay(deps.clock(), office.timezone) * DAY_MS).toISOString().slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const from = new Date(instantOf(midnight, office.timezone));
    const to = new Date(instantOf(midnight + DAY_MS, office.timezone));
    const items = (await deps.store.atOffice(office.code, from, to)).map((a) => view(a, deps.plan));
    return { offices: deps.plan.offices.map((o) => ({ code: o.code, name: o.name })), office: office.code, day, timezone: office.timezone, items };
  }));
  router.post(`${BASE}/:reference/attendance`, ...staff, route(async (req): Promise<OfficeAppointment> => {
    const { status } = Attendance.parse(req.body);
    return view(await deps.store.mark(Reference.parse(req.params.reference), status), deps.plan);
  }));

  router.use(BASE, (err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}

function view(a: Appointment, plan: Appointments): OfficeAppointment {
  return {
    reference: a.reference, procedure: a.procedure, procedureName: plan.procedures.find((p) => p.code === a.procedure)?.names.es ?? a.procedure,
    start: a.start.toISOString(), end: a.end.toISOString(), status: a.status as OfficeAppointment['status'],
    ...(a.representativeId ? { byRepresentative: true as const } : {}),
  };
}
