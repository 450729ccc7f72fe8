import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/sql/database';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { buttonsOf, TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/*
 * Booking an appointment through the whole app (issue 16 part 1): the shipped catalog's offices, the
 * built-in store in SQLite, the clock pinned to Monday 1 March 2027 at 08:00 in Madrid. On web chat the
 * confirmation carries the appointment's calendar file, which downloads as a valid iCalendar event at the
 * right instant; on Telegram the same conversation works with buttons, and "mis citas" lists it; a location
 * shared at the office question lists the offices nearest first with their distances.
 */

const NOW = Date.parse('2027-03-01T07:00:00.000Z');
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot }, { clock: () => NOW });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
});

describe('booking an appointment through the app', () => {
  it('on web chat: four answers, the reference, and a calendar file at the right instant', async () => {
    const citizen = await DlConversation.open(bot.url);
    try {
      expect((await citizen.ask('quiero pedir cita previa')).reply.text).toMatch(/¿Para qué trámite quieres la cita\?/);
      expect((await citizen.ask('Empadronamiento')).reply.text).toMatch(/¿En qué oficina/);
      expect((await citizen.ask('2')).reply.text).toMatch(/Distrito Norte/);
      expect((await citizen.ask('1')).reply.text).toMatch(/¿A qué hora del lunes, 1 de marzo\?/);
      const { reply } = await citizen.ask('10:00');
      expect(reply.text).toMatch(/^Hecho: tienes cita para Empadronamiento el lunes, 1 de marzo, 10:00 en Oficina de Atención Ciudadana — Distrito Norte \(Calle Mayor 45\)\. Tu número de cita es CITA-[A-Z0-9]{6}\. /);
      const reference = /CITA-[A-Z0-9]{6}/.exec(reply.text ?? '')![0];
      const file = reply.attachments?.find((a) => a.contentType === 'text/calendar');
      expect(file?.name).toBe(`${reference}.ics`);
      const res = await fetch(file!.contentUrl!);
      expect(res.status).toBe(200);
      const ics = await res.text();
      expect(ics).toMatch(/BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT[\s\S]*END:VEVENT[\s\S]*END:VCALENDAR/);
      expect(ics).toContain('DTSTART:20270301T090000Z');
      expect(ics).toContain('SUMMARY:Cita: Empadronamiento');
      expect(ics).toContain(reference);
      const db = await openDatabase({ sqlitePath: bot.sqlitePath });
      const row = await db.kysely.selectFrom('appointments' as never).select(['office' as never, 'starts_at' as never, 'status' as never]).where('reference' as never, '=', reference as never).executeTakeFirstOrThrow();
      expect(row).toEqual({ office: 'oac-norte', starts_at: '2027-03-01T09:00:00.000Z', status: 'booked' });
      await db.close();
    } finally {
      citizen.end();
    }
  }, 60_000);

  it('on Telegram: with buttons, in Catalan, and listed by "les meves cites"', async () => {
    const chat = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'ca');
    const first = await chat.ask('vull demanar cita per a registre de documents');
    expect(first.text).toMatch(/^Aquests són els primers dies amb lloc per a Registre de documents/);
    await chat.press('dilluns, 1 de març');
    expect((await chat.next()).text).toMatch(/A quina hora del dilluns, 1 de març\?/);
    await chat.press('09:20');
    // The confirmation goes as the calendar file (a Telegram document) with the sentence as its caption.
    let done = await chat.next();
    while (!done.document) done = await chat.next();
    const confirmation = done.caption ?? (await chat.next()).text ?? '';
    expect(confirmation).toMatch(/^Fet: tens cita per a Registre de documents el dilluns, 1 de març, 09:20/);
    const reference = /CITA-[A-Z0-9]{6}/.exec(confirmation)![0];
    expect(done.document.filename).toBe(`${reference}.ics`);
    expect(done.document.data.toString()).toContain('DTSTART:20270301T082000Z');
    expect((await chat.ask('les meves cites')).text).toContain(reference);
  }, 60_000);
  it('on Telegram: a shared location orders the offices nearest first, with distances', async () => {
    const chat = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');
    const offices = await chat.ask('quiero pedir cita de empadronamiento');
    expect(offices.text).toMatch(/Si me envías tu ubicación 📍, te las ordeno por cercanía/);
    expect(buttonsOf(offices)).toEqual(['Oficina de Atención Ciudadana — Centro', 'Oficina de Atención Ciudadana — Distrito Norte']);
    await chat.send({ location: { latitude: 39.489, longitude: -0.371 } });
    const nearest = await chat.next();
    expect(nearest.text).toMatch(/Primero la más cercana a tu ubicación/);
    expect(buttonsOf(nearest)).toEqual(['Oficina de Atención Ciudadana — Distrito Norte · 140 m', 'Oficina de Atención Ciudadana — Centro · 2,2 km']);
    await chat.press('Oficina de Atención Ciudadana — Distrito Norte · 140 m');
    expect((await chat.next()).text).toMatch(/primeros días con hueco para Empadronamiento en Oficina de Atención Ciudadana — Distrito Norte/);
  }, 60_000);
});
