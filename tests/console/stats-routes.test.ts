import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { StatsStore } from '../../bot/sql/stats-store';
import { createStatsRoutes } from '../../console/stats-routes';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';

/*
 * The dashboards' routes over a real SQLite database with the clock pinned: the default range is the last
 * 30 of the city's days (Madrid), one end given fills the other, a backwards range is refused, and a table
 * comes as a CSV download whose formula-like cells are escaped. Who may call them is the access matrix's job
 * (tests/console/access-control-matrix.test.ts); here the session is taken as a supervisor's.
 */

// 00:30 on 15 June in Madrid, still the 14th in UTC.
const NOW = Date.parse('2026-06-14T22:30:00Z');
let t: TestDatabase;
let server: Server;
let url: string;

const supervisor: RequestHandler = (_req, res, next) => {
  res.locals.agent = { id: 's', email: 's@city.test', name: 'Sara', role: 'supervisor', teams: [], maxConcurrent: 3, disabled: false };
  next();
};

beforeAll(async () => {
  t = await sqliteTestDatabase();
  for (const service of ['=cmd|calc', '+1+1', '-2+3', '@SUM(A1)', 'alumbrado']) {
    await t.db.kysely.insertInto('tickets').values({
      reference: `T-${randomUUID().slice(0, 8)}`, service, type: 'reclamo', status: 'open', description: 'x', address: null, lat: null, lon: null, citizen_id: 'z',
      channel: 'webchat', conversation_id: 'c', locale: 'es', contact: null, connector_kind: 'builtin', external_id: null, idempotency_key: randomUUID(),
      created_at: '2026-06-03T10:00:00.000Z', updated_at: '2026-06-03T10:00:00.000Z', delivery: null, delivery_error: null, external_token: null, delivered_at: null,
      last_attempt_at: null, attributes: null,
    }).execute();
  }
  const app = express();
  app.use(createStatsRoutes({
    stats: new StatsStore(t.db), timezone: 'Europe/Madrid', requireAgent: supervisor, requireRole: () => (_req, _res, next) => next(), clock: () => NOW,
    log: createLogger('silent'),
  }));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console/api/stats`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.drop();
});

describe('the dashboards routes', () => {
  it("default to the last 30 of the city's days by the injected clock", async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({ range: { from: '2026-05-17', to: '2026-06-15' }, start: '2026-05-16T22:00:00.000Z', end: '2026-06-15T22:00:00.000Z', timezone: 'Europe/Madrid' });
    expect(body.days).toHaveLength(30);
    expect(body.ticketsAll).toMatchObject({ opened: 5, stillOpen: 5, openAge: { count: 5, median: Math.round((NOW - Date.parse('2026-06-03T10:00:00Z')) / 1000) } });
  });

  it('fill the other end of a range given one, and refuse a range backwards or a malformed day', async () => {
    expect((await (await fetch(`${url}?from=2026-06-01`)).json()).range).toEqual({ from: '2026-06-01', to: '2026-06-15' });
    expect((await (await fetch(`${url}?to=2026-03-31`)).json()).range).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect((await (await fetch(`${url}?from=&to=`)).json()).range).toEqual({ from: '2026-05-17', to: '2026-06-15' });
    const backwards = await fetch(`${url}?from=2026-06-10&to=2026-06-01`);
    expect(backwards.status).toBe(400);
    expect((await backwards.json()).error.code).toBe('E_BAD_INPUT');
    expect((await fetch(`${url}?from=ayer`)).status).toBe(400);
    expect((await fetch(`${url}/csv?table=everything`)).status).toBe(400);
  });

  it('download a table as CSV named by table and range, cells that spreadsheets would run escaped', async () => {
    const res = await fetch(`${url}/csv?table=tickets&from=2026-06-01&to=2026-06-14`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=estadisticas-tickets-2026-06-01-2026-06-14.csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('service,opened,closed,stillOpen,openAgeCount,openAgeMedianSeconds,openAgeP90Seconds,closedAgeCount,closedAgeMedianSeconds,closedAgeP90Seconds');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(["'+1+1", "'-2+3", "'=cmd|calc", "'@SUM(A1)", 'alumbrado', 'all']);
    expect(lines.at(-1)).toBe('all,5,0,5,5,995400,995400,0,,');
  });
});
