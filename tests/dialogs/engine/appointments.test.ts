import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import type { AppointmentsPort } from '../../../dialogs/appointments-port';
import { commandIn } from '../../../dialogs/intents';
import { startEngine, type Engine } from './harness';

/*
 * Booking an appointment in the conversation (issue 16 part 1) through the whole engine, on the shipped
 * catalog's offices and the built-in SQL store, with the clock pinned to Monday 1 March 2027, 08:00 in
 * Madrid: procedure → office → day → time, one answer each (by number or by name), then the reference;
 * "mis citas" lists it and "anular cita …" frees its place; a place taken meanwhile brings the days back;
 * a procedure named in the first message is not asked again.
 */

const NOW = Date.parse('2027-03-01T07:00:00.000Z'); // 08:00 in Madrid, a Monday
let engine: Engine;
let store: SqlAppointments;
let port: AppointmentsPort;

beforeAll(async () => {
  engine = await startEngine();
  store = new SqlAppointments(engine.db, engine.catalog.appointments!, { clock: () => NOW });
  port = { connector: store, clock: () => NOW };
});
afterAll(async () => {
  await engine.close();
});

const text = (a: Partial<Activity>) => a.text ?? '';
const buttons = (a: Partial<Activity>) => a.suggestedActions?.actions.map((x) => x.title) ?? [];

describe('booking an appointment in the conversation', () => {
  it('reads the requests in three languages', () => {
    expect(commandIn('quiero pedir cita previa')).toEqual({ kind: 'bookAppointment' });
    expect(commandIn('vull demanar cita')).toEqual({ kind: 'bookAppointment' });
    expect(commandIn('I need an appointment')).toEqual({ kind: 'bookAppointment' });
    expect(commandIn('sacar turno')).toEqual({ kind: 'bookAppointment' });
    expect(commandIn('mis citas')).toEqual({ kind: 'myAppointments' });
    expect(commandIn('anular la cita CITA-7KM3QX por favor')).toEqual({ kind: 'myAppointments', cancel: 'CITA-7KM3QX' });
    expect(commandIn('quiero cambiar la cita cita-7km3qx')).toEqual({ kind: 'bookAppointment', move: 'CITA-7KM3QX' });
    expect(commandIn('reschedule appointment CITA-7KM3QX')).toEqual({ kind: 'bookAppointment', move: 'CITA-7KM3QX' });
  });

  it('asks procedure, office, day and time, books, lists and cancels', async () => {
    let reference = '';
    await engine.adapter({ citizenId: 'citizen-book', locale: 'es', appointments: port })
      .send('quiero pedir cita')
      .assertReply((a) => {
        expect(text(a)).toMatch(/¿Para qué trámite quieres la cita\?/);
        expect(buttons(a)).toEqual(['Empadronamiento', 'Registro de documentos']);
      })
      .send('1')
      .assertReply((a) => {
        expect(text(a)).toMatch(/¿En qué oficina quieres la cita de Empadronamiento\?/);
        expect(buttons(a)).toEqual(['Oficina de Atención Ciudadana — Centro', 'Oficina de Atención Ciudadana — Distrito Norte']);
      })
      .send('Oficina de Atención Ciudadana — Centro')
      .assertReply((a) => {
        expect(text(a)).toMatch(/primeros días con hueco para Empadronamiento en Oficina de Atención Ciudadana — Centro/);
        expect(buttons(a)[0]).toBe('lunes, 1 de marzo');
        expect(buttons(a)).toHaveLength(5);
      })
      .send('1')
      .assertReply((a) => {
        expect(text(a)).toMatch(/¿A qué hora del lunes, 1 de marzo\?/);
        expect(buttons(a).slice(0, 3)).toEqual(['09:00', '09:15', '09:30']);
      })
      .send('09:15')
      .assertReply((a) => {
        expect(text(a)).toMatch(/^Hecho: tienes cita para Empadronamiento el lunes, 1 de marzo, 09:15 en Oficina de Atención Ciudadana — Centro \(Plaza del Ayuntamiento 1\)\. Tu número de cita es \*\*CITA-[A-Z0-9]{6}\*\*/);
        reference = /CITA-[A-Z0-9]{6}/.exec(text(a))![0];
      })
      .startTest();
    const [booked] = await store.listForCitizen('citizen-book');
    expect(booked).toMatchObject({ reference, procedure: 'empadronamiento', office: 'oac-centro', start: new Date('2027-03-01T08:15:00.000Z'), status: 'booked' });

    // Moved to another day: the same procedure and office, a new day and time; the old place is free again.
    await engine.adapter({ citizenId: 'citizen-book', locale: 'es', appointments: port })
      .send(`cambiar cita ${reference}`)
      .assertReply((a) => expect(text(a)).toMatch(/primeros días con hueco para Empadronamiento en Oficina de Atención Ciudadana — Centro/))
      .send('2')
      .assertReply((a) => expect(text(a)).toMatch(/¿A qué hora del martes, 2 de marzo\?/))
      .send('10:00')
      .assertReply((a) => expect(text(a)).toMatch(new RegExp(`^Hecho: tu cita ${reference} para Empadronamiento pasa al martes, 2 de marzo, 10:00 en Oficina de Atención Ciudadana — Centro`)))
      .startTest();
    const [moved] = await store.listForCitizen('citizen-book');
    expect(moved).toMatchObject({ reference, start: new Date('2027-03-02T09:00:00.000Z'), sequence: 1 });

    await engine.adapter({ citizenId: 'citizen-book', locale: 'es', appointments: port })
      .send('mis citas')
      .assertReply((a) => expect(text(a)).toContain(`**${reference}** · Empadronamiento · martes, 2 de marzo, 10:00 · Oficina de Atención Ciudadana — Centro`))
      .send(`anular cita ${reference.toLowerCase()}`)
      .assertReply((a) => expect(text(a)).toBe(`Cita ${reference} anulada. El hueco queda libre para otra persona.`))
      .send('mis citas')
      .assertReply((a) => expect(text(a)).toMatch(/^No tienes citas pendientes/))
      .startTest();
    // Someone else's reference answers as an unknown one.
    await engine.adapter({ citizenId: 'citizen-other', locale: 'es', appointments: port })
      .send(`anular cita ${reference}`)
      .assertReply((a) => expect(text(a)).toBe(`No encuentro ninguna cita pendiente tuya con el número ${reference}.`))
      .startTest();
  });

  it('offers the days again when the chosen place was taken meanwhile, and skips what the message already said', async () => {
    const adapter = engine.adapter({ citizenId: 'citizen-late', locale: 'ca', appointments: port });
    await adapter
      .send('vull demanar cita per a registre de documents')
      // One office attends it: straight to the days.
      .assertReply((a) => expect(text(a)).toMatch(/^Aquests són els primers dies amb lloc per a Registre de documents a Oficina de Atención Ciudadana — Centro/))
      .send('1')
      .assertReply((a) => expect(buttons(a)[0]).toBe('09:00'))
      .startTest();
    // The three places of 09:00 go to others before the citizen answers.
    for (const who of ['a', 'b', 'c']) {
      await store.book({ procedure: 'registro', office: 'oac-centro', start: new Date('2027-03-01T08:00:00.000Z'), citizenId: `citizen-${who}`, conversationKey: 'webchat:x', locale: 'es' });
    }
    await adapter
      .send('09:00')
      .assertReply((a) => expect(text(a)).toBe("Aquest lloc s'acaba d'ocupar. Tria'n un altre, si us plau."))
      .assertReply((a) => expect(text(a)).toMatch(/^Aquests són els primers dies/))
      .send('1')
      .assertReply((a) => expect(buttons(a)[0]).toBe('09:10'))
      .startTest();
  });

  it('without appointments configured, says where to book', async () => {
    await engine.adapter({ citizenId: 'citizen-x', locale: 'en' })
      .send('book an appointment')
      .assertReply((a) => expect(text(a)).toMatch(/^Appointments can't be booked from this assistant yet/))
      .startTest();
  });
});
