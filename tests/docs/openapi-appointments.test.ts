import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestAppointments } from '../../connectors/appointments/rest-appointments';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { loadDocument, recordingFetch, type Exchange } from './openapi-support';
import { AppointmentsServer } from '../support/appointments-server';
import { MONDAY_EARLY, TUESDAY_SLOTS, testAppointments } from '../connectors/appointments/appointments-catalog';

/*
 * The appointments OpenAPI document against real traffic: the real RestAppointments client talking to a
 * local city (tests/support/appointments-server.ts); every request and answer on the wire is validated by
 * openapi-backend against the document, which @seriousme/openapi-schema-validator checks first; an
 * operation no request reached fails. (The document moves to docs/openapi/appointments.yaml when wired.)
 */
const DOCUMENT = 'docs/openapi/appointments.yaml';

let doc: Awaited<ReturnType<typeof loadDocument>>;
let t: TestDatabase;
let city: AppointmentsServer;
const exchanges: Exchange[] = [];

const recording = recordingFetch(exchanges, () => city.url);

beforeAll(async () => {
  doc = await loadDocument(DOCUMENT);
  t = await sqliteTestDatabase();
  city = await AppointmentsServer.start(new SqlAppointments(t.db, testAppointments(1), { clock: () => MONDAY_EARLY }));
});
afterAll(async () => {
  await city.stop();
  await t.drop();
});

describe('the appointments OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document that refuses what it should', () => {
    expect(doc.validity).toEqual({ valid: true });
    const good: Exchange = { method: 'GET', url: '/appointments', headers: { authorization: 'Bearer t', 'citizen-id': 'c-1' }, status: 200, response: { items: [] } };
    expect(doc.problems(good)).toEqual([]);
    expect(doc.problems({ ...good, headers: { authorization: 'Bearer t' } })).not.toEqual([]);
    expect(doc.problems({ ...good, response: { items: [{ id: 'x' }] } })).not.toEqual([]);
    expect(doc.problems({ ...good, method: 'POST', url: '/appointments/CITA-1/cancel', body: {}, status: 409, response: { code: 'overbooked' } })).not.toEqual([]);
  });

  it('describes every request the real client sends and every answer the city gives', async () => {
    const rest = new RestAppointments({ url: city.url, token: city.token, fetch: recording });
    const [nine, nineThirty] = TUESDAY_SLOTS as [Date, Date];
    const tuesday = { procedure: 'empadronamiento', office: 'oac-centro', from: nine, to: new Date('2027-03-03T00:00:00Z') };
    const booking = (citizenId: string, start: Date) => ({ procedure: 'empadronamiento', office: 'oac-centro', start, citizenId, conversationKey: `telegram:${citizenId}`, locale: 'es' as const });
    await rest.listSlots(tuesday);
    const a = await rest.book(booking('ana', nine), 'k-1');
    await rest.book(booking('ana', nine), 'k-1');
    await rest.book(booking('bea', nine)).catch(() => undefined); // full
    await rest.book(booking('bea', new Date('2027-03-02T08:10:00Z'))).catch(() => undefined); // no such slot
    await rest.listForCitizen('ana');
    await rest.move(a.reference, 'ana', nineThirty);
    await rest.move(a.reference, 'bea', nine).catch(() => undefined); // not hers
    await rest.cancel(a.reference, 'ana');
    await rest.cancel(a.reference, 'ana');
    await rest.move(a.reference, 'ana', nine).catch(() => undefined); // cancelled
    city.fault = 'down';
    await rest.listForCitizen('ana').catch(() => undefined);
    city.fault = 'none';

    expect(exchanges.map((x) => x.status)).toEqual([200, 201, 201, 409, 422, 200, 200, 404, 200, 200, 409, 503]);
    expect(exchanges.flatMap((x) => doc.problems(x))).toEqual([]);
    const reached = new Set(exchanges.map((x) => doc.operationOf(x)));
    expect(doc.operations.filter((o) => !reached.has(o))).toEqual([]);
  });
});
