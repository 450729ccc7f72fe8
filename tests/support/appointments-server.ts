import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AppError } from '../../bot/errors';
import type { Appointment, AppointmentsConnector } from '../../connectors/appointments/appointments-connector';

/** What the next answers should be instead of the normal ones. */
export type AppointmentsFault = 'none' | 'down' | 'slow' | 'malformed' | 'redirect';

const REFUSAL_OF: Readonly<Record<string, string>> = {
  E_SLOT_FULL: 'slot-full',
  E_SLOT_PAST: 'slot-past',
  E_OUTSIDE_HORIZON: 'outside-horizon',
  E_NO_SUCH_SLOT: 'no-such-slot',
  E_NOT_YOUR_APPOINTMENT: 'not-found',
  E_APPOINTMENT_NOT_ACTIVE: 'not-active',
};

/**
 * A city's own appointment system for tests: the REST protocol of connectors/appointments/rest-appointments.ts
 * over real HTTP on a free port, kept by a real store behind it (the built-in SqlAppointments on its own
 * database, as a city's system would keep its own). Bearer token checked, the citizen read from the
 * Citizen-Id header; `fault` turns it into a failing, slow, malformed or redirecting city.
 */
export class AppointmentsServer {
  /** Every request's URL as received (to check no citizen id travels in it). */
  readonly urls: string[] = [];
  fault: AppointmentsFault = 'none';

  private constructor(private readonly server: Server, readonly url: string, readonly token: string) {}

  static async start(store: AppointmentsConnector, token = 'city-appointments-token'): Promise<AppointmentsServer> {
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const city = new AppointmentsServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, token);
    app.use(express.json());
    app.use('/api', (req, res, next) => {
      city.urls.push(req.originalUrl);
      if (req.get('authorization') !== `Bearer ${token}`) return void res.status(401).json({ code: 'unauthorized' });
      if (city.fault === 'down') return void res.status(503).send('<html>down</html>');
      if (city.fault === 'redirect') return void res.redirect(302, 'http://127.0.0.1:9/elsewhere');
      if (city.fault === 'slow') {
        // No timer outlives the request: the client gives up long before and the test file may end.
        const late = setTimeout(next, 1_500);
        return void res.on('close', () => clearTimeout(late));
      }
      next();
    });
    const wire = (a: Appointment) => (city.fault === 'malformed' ? { ...a, start: 'tomorrow' } : a);
    const answer = (res: express.Response, run: () => Promise<unknown>, status = 200) =>
      run().then(
        (body) => void res.status(status).json(body),
        (err: unknown) => {
          const code = err instanceof AppError ? REFUSAL_OF[err.code] : undefined;
          if (code) return void res.status(err instanceof AppError ? Math.min(err.httpStatus, 499) : 400).json({ code });
          res.status(500).json({ code: 'internal' });
        },
      );
    const citizen = (req: express.Request) => req.get('citizen-id') ?? '';
    app.get('/api/slots', (req, res) => {
      const q = req.query as Record<string, string>;
      answer(res, async () => ({ slots: await store.listSlots({ procedure: q.procedure ?? '', office: q.office ?? '', from: new Date(q.from ?? ''), to: new Date(q.to ?? '') }) }));
    });
    app.post('/api/appointments', (req, res) => {
      const b = req.body as Record<string, string>;
      const key = req.get('idempotency-key');
      answer(res, async () => wire(await store.book({
        procedure: b.procedure ?? '', office: b.office ?? '', start: new Date(b.start ?? ''), citizenId: b.citizenId ?? '',
        ...(b.representativeId ? { representativeId: b.representativeId } : {}),
        conversationKey: b.conversationKey ?? '', locale: (b.locale ?? 'es') as 'es',
      }, key)), 201);
    });
    app.get('/api/appointments', (req, res) => answer(res, async () => ({ items: (await store.listForCitizen(citizen(req))).map(wire) })));
    app.post('/api/appointments/:reference/move', (req, res) => {
      answer(res, async () => wire(await store.move(req.params.reference, citizen(req), new Date((req.body as { start?: string }).start ?? ''))));
    });
    app.post('/api/appointments/:reference/cancel', (req, res) => answer(res, async () => wire(await store.cancel(req.params.reference, citizen(req)))));
    return city;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
