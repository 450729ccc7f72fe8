import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError } from '../../../bot/errors';
import type { RecordItem } from '../../../connectors/records/citizen-records';
import { RestCitizenRecords } from '../../../connectors/records/rest-citizen-records';
import { RecordsServer } from '../../support/records-server';

/*
 * The citizen-records REST connector (issue 16 part 3) against a local city over real HTTP
 * (tests/support/records-server.ts): a verified citizen's records come back briefly with their links; a
 * citizen the city does not know has none; a city that is down, slow, redirecting, answering in another
 * shape or refusing the token is "unavailable" with a coded error, never a crash nor stale data; the
 * identifier never travels in a URL; a certificate request retried with its key is the same request.
 */

const ANA = '12345678Z';
const fine: RecordItem = { id: 'MUL-2027-0042', title: 'Estacionamiento en zona de carga', state: 'Pendiente de pago', date: '2027-02-11', dueDate: '2027-03-13', amount: { value: 90, currency: 'EUR' }, url: 'https://sede.example.city/multas/MUL-2027-0042' };
let city: RecordsServer;
let records: RestCitizenRecords;

beforeAll(async () => {
  city = await RecordsServer.start();
  records = new RestCitizenRecords({ url: city.url, token: city.token, timeoutMs: 400 });
});
afterAll(async () => {
  await city.stop();
});
beforeEach(() => {
  city.fault = 'none';
  city.citizens.clear();
  city.citizens.set(ANA, {
    records: { fines: [fine], procedures: [{ id: 'EXP-77', title: 'Licencia de obra menor', state: 'En trámite', url: 'https://sede.example.city/expedientes/EXP-77' }] },
    census: { address: 'Carrer Major 3, 2n 1a', since: '2019-05-02', householdSize: 3, url: 'https://sede.example.city/padron' },
  });
});

describe('the citizen-records REST connector', () => {
  it("reads a verified citizen's records, each with its link, and never puts the identifier in a URL", async () => {
    expect(await records.list({ identifier: ANA }, 'fines', 'es')).toEqual([fine]);
    expect(await records.list({ identifier: ANA }, 'procedures', 'ca')).toEqual([{ id: 'EXP-77', title: 'Licencia de obra menor', state: 'En trámite', url: 'https://sede.example.city/expedientes/EXP-77' }]);
    expect(await records.list({ identifier: ANA }, 'notifications', 'en')).toEqual([]);
    expect(await records.census({ identifier: ANA }, 'es')).toEqual({ address: 'Carrer Major 3, 2n 1a', since: '2019-05-02', householdSize: 3, url: 'https://sede.example.city/padron' });
    expect(city.urls.length).toBeGreaterThan(0);
    expect(city.urls.filter((u) => u.includes(ANA))).toEqual([]);
  });

  it('a citizen the city does not know has no records and no census entry', async () => {
    expect(await records.list({ identifier: '00000000T' }, 'fines', 'es')).toEqual([]);
    expect(await records.census({ identifier: '00000000T' }, 'es')).toBeUndefined();
  });

  it('a certificate request retried with its key is the same request', async () => {
    const first = await records.requestCensusCertificate({ identifier: ANA }, 'conv-1|act-9', 'es');
    expect(first).toEqual({ id: 'CERT-1', status: 'requested', url: 'https://sede.example.city/certificados/1' });
    expect(await records.requestCensusCertificate({ identifier: ANA }, 'conv-1|act-9', 'es')).toEqual(first);
    expect((await records.requestCensusCertificate({ identifier: ANA }, 'conv-1|act-10', 'es')).id).toBe('CERT-2');
  });

  it.each([
    ['down (503 with an HTML page)', 'down' as const, /refused its fines \(HTTP 503\)/],
    ['slow (past the timeout)', 'slow' as const, /did not answer within 400 ms/],
    ['answering in a shape it does not document', 'malformed' as const, /shape it does not document/],
    ['redirecting (not followed: it would carry the identifier)', 'redirect' as const, /HTTP 302\): point RECORDS_URL/],
  ])('a city that is %s is unavailable, with a coded error', async (_what, fault, message) => {
    city.fault = fault;
    const err = await records.list({ identifier: ANA }, 'fines', 'es').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorUnavailableError);
    expect((err as ConnectorUnavailableError).code).toBe('E_CONNECTOR_UNAVAILABLE');
    expect((err as Error).message).toMatch(message);
  });

  it('a wrong token is unavailable and says which setting to check', async () => {
    const wrong = new RestCitizenRecords({ url: city.url, token: 'not-the-token' });
    await expect(wrong.census({ identifier: ANA }, 'es')).rejects.toThrow(/HTTP 401\): check RECORDS_TOKEN/);
  });

  it('a city that cannot be reached is unavailable', async () => {
    const nowhere = new RestCitizenRecords({ url: 'http://127.0.0.1:9/api', token: 't' });
    await expect(nowhere.list({ identifier: ANA }, 'fines', 'es')).rejects.toThrow(/could not be reached/);
  });

  it('shows at most fifty records: the electronic office has the rest', async () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ id: `N-${i}`, title: `Notificación ${i}`, url: `https://sede.example.city/n/${i}` }));
    city.citizens.set(ANA, { records: { notifications: many } });
    expect(await records.list({ identifier: ANA }, 'notifications', 'es')).toHaveLength(50);
  });
});
