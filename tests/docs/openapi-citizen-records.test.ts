import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestCitizenRecords } from '../../connectors/records/rest-citizen-records';
import { RecordsServer } from '../support/records-server';
import { loadDocument, recordingFetch, type Exchange } from './openapi-support';

/*
 * docs/openapi/citizen-records.yaml against real traffic (issue 16 part 3): the real RestCitizenRecords
 * client talking to a local city (tests/support/records-server.ts); every request and answer on the wire
 * is validated by openapi-backend against the document, which @seriousme/openapi-schema-validator checks
 * first; an operation no request reached fails.
 */

let doc: Awaited<ReturnType<typeof loadDocument>>;
let city: RecordsServer;
const exchanges: Exchange[] = [];

/** The client's fetch, recording what went over the wire; paths relative to RECORDS_URL, as the document's server. */
const recording = recordingFetch(exchanges, () => city.url);

beforeAll(async () => {
  doc = await loadDocument('docs/openapi/citizen-records.yaml');
  city = await RecordsServer.start();
  city.citizens.set('12345678Z', {
    records: { fines: [{ id: 'MUL-1', title: 'Velocidad', state: 'Pendiente de pago', dueDate: '2027-03-13', amount: { value: 100, currency: 'EUR' }, url: 'https://sede.example.city/multas/MUL-1' }] },
    census: { address: 'Carrer Major 3', since: '2019-05-02', householdSize: 2, url: 'https://sede.example.city/padron' },
  });
});
afterAll(async () => {
  await city.stop();
});

describe('the citizen-records OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document that refuses what it should', () => {
    expect(doc.validity).toEqual({ valid: true });
    const good: Exchange = { method: 'GET', url: '/records/fines', headers: { authorization: 'Bearer t', 'citizen-identifier': 'X', 'accept-language': 'es' }, status: 200, response: { items: [] } };
    expect(doc.problems(good)).toEqual([]);
    expect(doc.problems({ ...good, url: '/records/parking' })).not.toEqual([]);
    expect(doc.problems({ ...good, headers: { authorization: 'Bearer t', 'accept-language': 'es' } })).not.toEqual([]);
    expect(doc.problems({ ...good, response: { items: [{ id: 'x' }] } })).not.toEqual([]);
  });

  it('describes every request the real client sends and every answer the city gives', async () => {
    const records = new RestCitizenRecords({ url: city.url, token: city.token, fetch: recording });
    for (const kind of ['procedures', 'notifications', 'fines', 'tax-receipts'] as const) {
      await records.list({ identifier: '12345678Z' }, kind, 'es');
    }
    await records.list({ identifier: '00000000T' }, 'fines', 'ca');
    await records.census({ identifier: '12345678Z' }, 'en');
    await records.census({ identifier: '00000000T' }, 'es');
    await records.requestCensusCertificate({ identifier: '12345678Z' }, 'k-1', 'es');
    await records.requestCensusCertificate({ identifier: '12345678Z' }, 'k-1', 'es');
    city.fault = 'down';
    await records.census({ identifier: '12345678Z' }, 'es').catch(() => undefined);
    city.fault = 'none';

    expect(exchanges.map((x) => x.status)).toEqual([200, 200, 200, 200, 404, 200, 404, 201, 200, 503]);
    expect(exchanges.flatMap((x) => doc.problems(x))).toEqual([]);
    const reached = new Set(exchanges.map((x) => doc.operationOf(x)));
    expect(doc.operations.filter((o) => !reached.has(o))).toEqual([]);
  });
});
