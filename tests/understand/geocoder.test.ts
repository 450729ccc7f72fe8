import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpGeocoder, Understanding } from '../../dialogs/understand/index';

/** A geocoder double on 127.0.0.1: each test says how it answers; every request is recorded. */
let server: Server;
let base: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('[]');
const requests: URL[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://x'));
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const json = (body: unknown, status = 200) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('the geocoder client', () => {
  it('asks a Nominatim search for the place in the city and reads the first result', async () => {
    answer = json([{ lat: '39.4699', lon: '-0.3763', display_name: 'Calle Colón, 12' }, { lat: '1', lon: '1' }]);
    const errors: string[] = [];
    const g = new HttpGeocoder({ url: `${base}/search`, timeoutMs: 1_000, city: 'Ciudad Ejemplo', onError: (_e, what) => errors.push(what) });
    expect(await g.geocode('Calle Colón 12', 'es')).toEqual({ latitude: 39.4699, longitude: -0.3763 });
    const q = requests.at(-1)!;
    expect(q.pathname).toBe('/search');
    expect(q.searchParams.get('q')).toBe('Calle Colón 12, Ciudad Ejemplo');
    expect(q.searchParams.get('format')).toBe('jsonv2');
    expect(q.searchParams.get('limit')).toBe('1');
    expect(errors).toEqual([]);
  });

  it('reads a Photon answer (GeoJSON, longitude first)', async () => {
    answer = json({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [2.1686, 41.3874] }, properties: {} }] });
    const g = new HttpGeocoder({ url: `${base}/api`, timeoutMs: 1_000 });
    expect(await g.geocode('Carrer de Balmes 40', 'en')).toEqual({ latitude: 41.3874, longitude: 2.1686 });
    expect(requests.at(-1)!.searchParams.get('format')).toBeNull();
  });

  it('gives no coordinates, and never throws, when the geocoder answers 500, garbage, nothing or coordinates off Earth', async () => {
    const errors: string[] = [];
    const g = new HttpGeocoder({ url: `${base}/search`, timeoutMs: 1_000, onError: (_e, what) => errors.push(what) });
    for (const a of [json({ error: 'boom' }, 500), (_req: IncomingMessage, res: ServerResponse) => res.end('<html>not json'), json([]), json([{ lat: '123', lon: '5' }]), json({ features: 'no' })]) {
      answer = a;
      expect(await g.geocode('Calle Colón 12')).toBeUndefined();
    }
    expect(errors).toEqual(['status', 'request']);
  });

  it('gives up on a slow geocoder after its timeout', async () => {
    answer = (_req, res) => setTimeout(() => json([{ lat: '1', lon: '1' }])(_req, res), 3_000).unref();
    const errors: string[] = [];
    const g = new HttpGeocoder({ url: `${base}/search`, timeoutMs: 150, onError: (_e, what) => errors.push(what) });
    expect(await g.geocode('Calle Colón 12')).toBeUndefined();
    expect(errors).toEqual(['timeout']);
  });

  it('gives no coordinates when the geocoder is down', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const errors: string[] = [];
    const g = new HttpGeocoder({ url: `http://127.0.0.1:${port}/search`, timeoutMs: 1_000, onError: (_e, what) => errors.push(what) });
    expect(await g.geocode('Calle Colón 12')).toBeUndefined();
    expect(errors).toEqual(['request']);
  });

  it('is asked only for typed places without a pin', async () => {
    answer = json([{ lat: '39.4699', lon: '-0.3763' }]);
    const u = new Understanding({ geocoder: new HttpGeocoder({ url: `${base}/search`, timeoutMs: 1_000 }) });
    const before = requests.length;
    expect(await u.geocode({ point: { latitude: 1, longitude: 2 }, address: 'Calle Colón 12' })).toBeUndefined();
    expect(await u.geocode({})).toBeUndefined();
    expect(requests.length).toBe(before);
    expect(await u.geocode({ address: 'Calle Colón 12' })).toEqual({ latitude: 39.4699, longitude: -0.3763 });
    expect(await new Understanding().geocode({ address: 'Calle Colón 12' })).toBeUndefined();
  });
});
