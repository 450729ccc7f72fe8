import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, NotYourAppointmentError, SlotFullError } from '../../../bot/errors';
import { RestAppointments } from '../../../connectors/appointments/rest-appointments';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import { sqliteTestDatabase, type TestDatabase } from '../../bot/sql/test-databases';
import { appointmentsConnectorContract } from '../../contracts/appointments-connector.contract';
import { AppointmentsServer } from '../../support/appointments-server';
import { MONDAY_EARLY, TUESDAY_SLOTS, testAppointments } from './appointments-catalog';

// The REST connector against a local city that implements the protocol, kept by a real store.
appointmentsConnectorContract('RestAppointments against a local city', async (clock) => {
  const t = await sqliteTestDatabase();
  const city = await AppointmentsServer.start(new SqlAppointments(t.db, testAppointments(), { clock }));
  return {
    connector: new RestAppointments({ url: city.url, token: city.token, timeoutMs: 1_000 }),
    cleanup: async () => {
      await city.stop();
      await t.drop();
    },
  };
});

describe('RestAppointments when the city misbehaves', () => {
  let t: TestDatabase;
  let city: AppointmentsServer;
  let rest: RestAppointments;
  const booking = (citizenId: string) => ({ procedure: 'empadronamiento', office: 'oac-centro', start: TUESDAY_SLOTS[0]!, citizenId, conversationKey: `telegram:${citizenId}`, locale: 'es' as const });
  beforeAll(async () => {
    t = await sqliteTestDatabase();
    city = await AppointmentsServer.start(new SqlAppointments(t.db, testAppointments(1), { clock: () => MONDAY_EARLY }));
    rest = new RestAppointments({ url: city.url, token: city.token, timeoutMs: 400 });
  });
  afterAll(async () => {
    await city.stop();
    await t.drop();
  });
  beforeEach(() => {
    city.fault = 'none';
  });

  it("turns the city's refusals into the same coded errors as the built-in store, and keeps citizens' ids out of URLs", async () => {
    const a = await rest.book(booking('ana'));
    await expect(rest.book(booking('bea'))).rejects.toBeInstanceOf(SlotFullError);
    await expect(rest.cancel(a.reference, 'bea')).rejects.toBeInstanceOf(NotYourAppointmentError);
    expect((await rest.listForCitizen('ana')).map((x) => x.reference)).toEqual([a.reference]);
    expect(city.urls.some((u) => u.includes('ana') || u.includes('bea'))).toBe(false);
  });

  it('reports a city that is down, slow, malformed, redirecting or refusing the token as unavailable', async () => {
    for (const fault of ['down', 'slow', 'malformed', 'redirect'] as const) {
      city.fault = fault;
      await expect(rest.listForCitizen('ana'), fault).rejects.toBeInstanceOf(ConnectorUnavailableError);
    }
    city.fault = 'none';
    const wrongToken = new RestAppointments({ url: city.url, token: 'nope', timeoutMs: 400 });
    await expect(wrongToken.listSlots({ procedure: 'empadronamiento', office: 'oac-centro', from: TUESDAY_SLOTS[0]!, to: TUESDAY_SLOTS[3]! })).rejects.toThrow(/HTTP 401.*check the token/);
    await expect(new RestAppointments({ url: 'http://127.0.0.1:9/api', token: 't', timeoutMs: 400 }).listForCitizen('ana')).rejects.toBeInstanceOf(ConnectorUnavailableError);
  });
});
