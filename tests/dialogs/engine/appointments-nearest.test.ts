import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import type { AppointmentsPort } from '../../../dialogs/appointments-port';
import { distanceLabel } from '../../../dialogs/appointment-place';
import type { Geocoder } from '../../../dialogs/understand/geocoder';
import { Understanding } from '../../../dialogs/understand/understanding';
import { startEngine, type Engine } from './harness';

/*
 * The nearest office first when a place is known (issue 16 part 1), on the shipped catalog's two offices
 * for Empadronamiento (Centro at Plaza del Ayuntamiento, Distrito Norte at Calle Mayor 45), the clock
 * pinned to Monday 1 March 2027, 08:00 in Madrid: a place in the first message, a pin sent at the office
 * question, or a report's place earlier in the conversation orders them with their distances; without
 * one the same question (no extra message) says how to get that order.
 */

const NOW = Date.parse('2027-03-01T07:00:00.000Z');
const NEAR_NORTE = { latitude: 39.489, longitude: -0.371 };
const CENTRO = 'Oficina de Atención Ciudadana — Centro';
const NORTE = 'Oficina de Atención Ciudadana — Distrito Norte';
let engine: Engine;
let port: AppointmentsPort;
/** A geocoder that knows two places of the city (what a Nominatim would answer), and records what it was asked. */
const asked: string[] = [];
const geocoder: Geocoder = {
  geocode: async (query) => {
    asked.push(query);
    if (/plaza del ayuntamiento/i.test(query)) return { latitude: 39.4702, longitude: -0.3761 };
    return /colón 12/i.test(query) ? NEAR_NORTE : undefined;
  },
};
const understanding = new Understanding({ geocoder });

beforeAll(async () => {
  engine = await startEngine();
  port = { connector: new SqlAppointments(engine.db, engine.catalog.appointments!, { clock: () => NOW }), clock: () => NOW };
});
afterAll(async () => {
  await engine.close();
});

const buttons = (a: Partial<Activity>) => a.suggestedActions?.actions.map((x) => x.title) ?? [];
const pin = (p: { latitude: number; longitude: number }): Partial<Activity> => ({ type: 'message', text: '', entities: [{ type: 'Place', geo: { ...p, type: 'GeoCoordinates' } }] as Activity['entities'] });

describe('the nearest office first', () => {
  it('without a place: the office question itself says a pin orders them, and a pin sent then does', async () => {
    await engine.adapter({ citizenId: 'near-pin', locale: 'es', appointments: port })
      .send('quiero cita de empadronamiento')
      .assertReply((a) => {
        expect(a.text).toMatch(/^¿En qué oficina quieres la cita de Empadronamiento\? Si me envías tu ubicación 📍, te las ordeno por cercanía\./);
        expect(buttons(a)).toEqual([CENTRO, NORTE]);
      })
      .send(pin(NEAR_NORTE))
      .assertReply((a) => {
        expect(a.text).toMatch(/^¿En qué oficina quieres la cita de Empadronamiento\? Primero la más cercana a tu ubicación\./);
        expect(buttons(a)).toEqual([`${NORTE} · 140 m`, `${CENTRO} · 2,2 km`]);
      })
      .send('1')
      .assertReply((a) => expect(a.text).toMatch(/primeros días con hueco para Empadronamiento en Oficina de Atención Ciudadana — Distrito Norte/))
      .startTest();
  });

  it('"cita para empadronarme cerca de la plaza del Ayuntamiento": straight to the offices, nearest that square first', async () => {
    await engine.adapter({ citizenId: 'near-square', locale: 'es', appointments: port, understanding })
      .send('cita para empadronarme cerca de la plaza del Ayuntamiento')
      .assertReply((a) => {
        expect(a.text).toMatch(/^¿En qué oficina quieres la cita de Empadronamiento\? Primero la más cercana a plaza del Ayuntamiento\./);
        expect(buttons(a)).toEqual([`${CENTRO} · 40 m`, `${NORTE} · 2,3 km`]);
      })
      .startTest();
  });

  it('a street in the first message, geocoded: nearest first, the procedure still asked', async () => {
    await engine.adapter({ citizenId: 'near-street', locale: 'es', appointments: port, understanding })
      .send('quiero pedir cita, vivo en la calle Colón 12')
      .assertReply((a) => expect(a.text).toMatch(/¿Para qué trámite quieres la cita\?/))
      .send('Empadronamiento')
      .assertReply((a) => {
        expect(a.text).toMatch(/Primero la más cercana a calle Colón 12\./);
        expect(buttons(a)).toEqual([`${NORTE} · 140 m`, `${CENTRO} · 2,2 km`]);
      })
      .send(`${NORTE} · 140 m`)
      .assertReply((a) => expect(a.text).toMatch(/en Oficina de Atención Ciudadana — Distrito Norte\. ¿Qué día/))
      .startTest();
  });

  it('with a geocoder, a typed street answers the office question; one it cannot find is said so', async () => {
    await engine.adapter({ citizenId: 'near-typed', locale: 'ca', appointments: port, understanding })
      .send('vull demanar cita per a empadronament')
      .assertReply((a) => expect(a.text).toMatch(/Si m'envies la teva ubicació 📍 o m'escrius el teu carrer, te les ordeno per proximitat\./))
      .send('carrer de la Pau 3')
      .assertReply((a) => expect(a.text).toBe("No trobo aquest lloc al mapa. Tria l'oficina o envia'm la teva ubicació 📍."))
      .assertReply((a) => expect(buttons(a)).toEqual([CENTRO, NORTE]))
      .send('calle Colón 12')
      .assertReply((a) => {
        expect(a.text).toMatch(/Primer la més propera a calle Colón 12\./);
        expect(buttons(a)).toEqual([`${NORTE} · 140 m`, `${CENTRO} · 2,2 km`]);
      })
      .startTest();
  });

  it('a report filed with a pin earlier in the conversation orders the offices of a later booking', async () => {
    await engine.adapter({ citizenId: 'near-report', locale: 'es', appointments: port })
      .send({ ...pin(NEAR_NORTE), text: 'farola apagada' })
      .assertReply((a) => expect(a.text).toMatch(/¿lo envío\?/i))
      .send('Enviar')
      .assertReply((a) => expect(a.text).toMatch(/[A-Z]{3}-\d{4}-\d{6}/))
      .send('pedir cita para empadronamiento')
      .assertReply((a) => expect(buttons(a)).toEqual([`${NORTE} · 140 m`, `${CENTRO} · 2,2 km`]))
      .startTest();
  });

  it('writes distances as the citizen reads them', () => {
    expect(distanceLabel(0.004, 'es')).toBe('10 m');
    expect(distanceLabel(0.347, 'en')).toBe('350 m');
    expect(distanceLabel(2.26, 'es')).toBe('2,3 km');
    expect(distanceLabel(2.26, 'en')).toBe('2.3 km');
    expect(distanceLabel(12.6, 'ca')).toBe('13 km');
  });
});
