import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpGeocoder, StreetDirectory, Understanding } from '../../dialogs/understand/index';
import { startEngine, storedTicket, type Engine } from '../dialogs/engine/harness';

const REF = /[A-Z]{3}-\d{4}-\d{6}/;

/*
 * Intake with a city's street directory and a geocoder (a local HTTP server started here): what the
 * citizen typed is shown and filed in the city's spelling, the ticket gets coordinates, and a geocoder
 * that is down, failing or slow never stops a ticket.
 */

let engine: Engine;
let geo: Server;
let geoUrl: string;
let mode: 'ok' | 'error' | 'slow' = 'ok';

beforeAll(async () => {
  engine = await startEngine();
  geo = createServer((req, res) => {
    if (mode === 'error') {
      res.writeHead(500).end('{"error":"down for maintenance"}');
      return;
    }
    const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ lat: '39.4701', lon: '-0.3768' }]));
    if (mode === 'slow') setTimeout(send, 3_000).unref();
    else send();
  });
  await new Promise<void>((resolve) => geo.listen(0, '127.0.0.1', resolve));
  geoUrl = `http://127.0.0.1:${(geo.address() as AddressInfo).port}/search`;
});
afterAll(async () => {
  geo.closeAllConnections();
  await new Promise<void>((resolve) => geo.close(() => resolve()));
  await engine.close();
});

const understanding = (url = geoUrl) =>
  new Understanding({ directory: StreetDirectory.fromCsv('Calle Colón\nCalle Mayor\nAvenida de la Constitución\n'), geocoder: new HttpGeocoder({ url, timeoutMs: 300 }) });

async function file(u: Understanding, first: string): Promise<{ confirm: string; reference: string }> {
  let confirm = '';
  let reference = '';
  await engine
    .adapter({ understanding: u })
    .send(first)
    .assertReply((a: Partial<Activity>) => {
      confirm = a.text ?? '';
    })
    .send('Enviar')
    .assertReply((a: Partial<Activity>) => {
      reference = REF.exec(a.text ?? '')?.[0] ?? '';
    })
    .startTest();
  return { confirm, reference };
}

describe('intake with a street directory and a geocoder', () => {
  it('shows and files the street in the city spelling, with coordinates from the geocoder', async () => {
    mode = 'ok';
    const { confirm, reference } = await file(understanding(), 'hay una farola apagada en c/ colon 12 desde el lunes');
    expect(confirm).toMatch(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/);
    expect(await storedTicket(engine, reference)).toMatchObject({ address: 'Calle Colón 12', lat: 39.4701, lon: -0.3768 });
  });

  it.each(['error', 'slow'] as const)('files the ticket without coordinates when the geocoder is %s', async (m) => {
    mode = m;
    const { reference } = await file(understanding(), 'hay una farola apagada en c/ colon 12 desde el lunes');
    expect(reference).toMatch(REF);
    expect(await storedTicket(engine, reference)).toMatchObject({ address: 'Calle Colón 12', lat: null, lon: null });
  });

  it('files the ticket without coordinates when the geocoder is not there at all', async () => {
    const { reference } = await file(understanding('http://127.0.0.1:9/search'), 'bache enorme en la av. de la constitución 5');
    expect(await storedTicket(engine, reference)).toMatchObject({ address: 'Avenida de la Constitución 5', lat: null });
  });
});
