import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/sql/database';
import { loadCatalog } from '../../catalog/load-catalog';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { AppointmentsServer } from '../support/appointments-server';

/*
 * A city's own appointment system (issue 16 part 1) through the whole app: APPOINTMENTS_CONNECTOR=rest
 * against a local city that implements docs/openapi/appointments.yaml (tests/support/appointments-server.ts,
 * its own store on its own database), the shipped catalog's offices, the clock pinned to Monday 1 March
 * 2027 at 08:00 in Madrid. Booked on web chat: the city has the booking, the citizen the reference and the
 * calendar file, the bot's own store nothing. The city down when the citizen picks the time: told so,
 * nothing booked anywhere, and the same conversation books once the city is back.
 */

const NOW = Date.parse('2027-03-01T07:00:00.000Z');
let cityDb: TestDatabase;
let cityStore: SqlAppointments;
let city: AppointmentsServer;
let bot: RunningApp;

beforeAll(async () => {
  cityDb = await sqliteTestDatabase();
  cityStore = new SqlAppointments(cityDb.db, loadCatalog('config/catalog.yaml').appointments!, { clock: () => NOW });
  city = await AppointmentsServer.start(cityStore);
  bot = await startTestApp({ APPOINTMENTS_CONNECTOR: 'rest', APPOINTMENTS_URL: city.url, APPOINTMENTS_TOKEN: city.token, APPOINTMENTS_TIMEOUT_MS: '1000' }, { clock: () => NOW });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await city?.stop();
  await cityDb?.drop();
});

/** What the city's system has at the Distrito Norte office on Monday 1 March. */
const atNorte = () => cityStore.atOffice('oac-norte', new Date('2027-03-01T00:00:00Z'), new Date('2027-03-02T00:00:00Z'));

/** The bot's own appointments table (the built-in store's), which a city on REST never fills. */
async function ownRows(): Promise<number> {
  const db = await openDatabase({ sqlitePath: bot.sqlitePath });
  try {
    return (await db.kysely.selectFrom('appointments' as never).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  } finally {
    await db.close();
  }
}

/** Procedure, office and day of an empadronamiento at Distrito Norte on Monday: the time question next. */
async function upToTheTime(citizen: DlConversation): Promise<void> {
  expect((await citizen.ask('quiero pedir cita previa')).reply.text).toMatch(/¿Para qué trámite quieres la cita\?/);
  expect((await citizen.ask('Empadronamiento')).reply.text).toMatch(/¿En qué oficina/);
  expect((await citizen.ask('2')).reply.text).toMatch(/Distrito Norte/);
  expect((await citizen.ask('1')).reply.text).toMatch(/¿A qué hora del lunes, 1 de marzo\?/);
}

describe("booking in the city's own appointment system", () => {
  it('on web chat: the city gets the booking, the citizen the reference and the calendar file', async () => {
    const citizen = await DlConversation.open(bot.url);
    try {
      await upToTheTime(citizen);
      const { reply } = await citizen.ask('10:00');
      expect(reply.text).toMatch(/^Hecho: tienes cita para Empadronamiento el lunes, 1 de marzo, 10:00 en Oficina de Atención Ciudadana — Distrito Norte \(Calle Mayor 45\)\. Tu número de cita es CITA-[A-Z0-9]{6}\. /);
      const reference = /CITA-[A-Z0-9]{6}/.exec(reply.text ?? '')![0];
      const file = reply.attachments?.find((a) => a.contentType === 'text/calendar');
      expect(file?.name).toBe(`${reference}.ics`);
      const ics = await (await fetch(file!.contentUrl!)).text();
      expect(ics).toContain('DTSTART:20270301T090000Z');
      expect(ics).toContain(reference);
      // The city has it, under the reference it gave, with where to remind the citizen.
      const booked = (await atNorte()).find((a) => a.reference === reference);
      expect(booked).toMatchObject({ procedure: 'empadronamiento', start: new Date('2027-03-01T09:00:00.000Z'), status: 'booked', conversationKey: expect.stringMatching(/^webchat:/) });
      expect(city.urls.some((u) => u.includes(booked!.citizenId))).toBe(false);
      expect(await ownRows()).toBe(0);
      // Listed from the city's system.
      expect(await citizen.says('mis citas', /Tus citas/)).toContain(reference);
    } finally {
      citizen.end();
    }
  }, 60_000);

  it('the city down when the time is picked: a clear answer, nothing booked, and the next try books once', async () => {
    const citizen = await DlConversation.open(bot.url);
    try {
      const before = (await atNorte()).length;
      await upToTheTime(citizen);
      city.fault = 'down';
      expect((await citizen.ask('10:15')).reply.text).toBe('Ahora mismo no puedo consultar la agenda de citas. Inténtalo de nuevo en un rato.');
      expect(await atNorte()).toHaveLength(before);
      city.fault = 'none';
      await upToTheTime(citizen);
      expect((await citizen.ask('10:15')).reply.text).toMatch(/^Hecho: tienes cita para Empadronamiento el lunes, 1 de marzo, 10:15/);
      expect((await atNorte()).filter((a) => a.start.getTime() === Date.parse('2027-03-01T09:15:00.000Z'))).toHaveLength(1);
      expect(await ownRows()).toBe(0);
    } finally {
      city.fault = 'none';
      citizen.end();
    }
  }, 60_000);
});
