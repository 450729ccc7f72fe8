import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { startGeoReportServer, type GeoReportServer } from '../support/georeport-server';
import { withTamperedSignature } from '../support/tamper';
import { TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/*
 * A complaint with a location and a photo, filed on Telegram, reaching a GeoReport v2 server through the
 * whole app: the request carries lat/long, the description and a signed, long-lived media_url the server
 * can fetch; a lost answer does not make a second request; status changes come back by polling.
 */

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let server: GeoReportServer;
let bot: RunningApp;
let db: Db;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  server = await startGeoReportServer();
  bot = await startTestApp({
    TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot,
    TICKET_CONNECTOR: 'open311', OPEN311_ENDPOINT: server.endpoint, OPEN311_API_KEY: server.apiKey, OPEN311_JURISDICTION_ID: server.jurisdictionId!,
    TICKET_RETRY_BASE_MS: '5', TICKET_RETRY_MAX_MS: '200', TICKET_POLL_SECONDS: '1', BACK_OFFICE_TIMEOUT_MS: '500',
  });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await server?.close();
  await emulator?.stop();
});

async function fileOnTelegram(c: TelegramChat): Promise<string> {
  await c.command('/start');
  await c.next();
  expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).text).toMatch(/Alumbrado público/);
  // A pin and a photo sent at the confirmation join the report.
  await c.send({ location: { latitude: 39.4699, longitude: -0.3763 } });
  expect((await c.next()).text).toMatch(/— ¿lo envío\?/);
  await c.send({ photo: [{ ...emulator.addFile(PNG), width: 800, height: 600 }] });
  expect((await c.next()).text).toMatch(/Fotos: 1/);
  await c.press('Enviar');
  const filed = await c.next();
  expect(filed.text).toMatch(/lo estoy enviando al sistema del ayuntamiento/);
  return /ALU-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
}

describe('tickets to an Open311 GeoReport v2 server', () => {
  it('files the request once with location, description and a signed photo URL, then brings status changes back', async () => {
    // The first POST is stored by the server but its answer never arrives: the retry must find it.
    server.timeoutAfterCreate(1);
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    const reference = await fileOnTelegram(c);
    expect((await c.next(20_000)).text).toMatch(new RegExp(`ya recibió tu trámite ${reference}`));
    const mine = server.requests.filter((r) => r.description?.includes(`Ref: ${reference}`));
    expect(mine).toHaveLength(1);
    const request = mine[0]!;
    expect(request).toMatchObject({ service_code: 'alumbrado', lat: 39.4699, long: -0.3763, jurisdiction_id: server.jurisdictionId });
    expect(request.description).toContain('Hay una farola apagada en la calle Colón 12');

    // The photo: a signed URL the back office can fetch; tampering with it is refused.
    expect(request.media_url).toMatch(/\/media\/signed\/[\w-]+\.png\?expires=\d+&sig=[\w-]+$/);
    // The link outlives the ticket in the back office: a clerk may open it years later.
    const expires = Number(/expires=(\d+)/.exec(request.media_url!)![1]) * 1_000;
    expect(expires - Date.now()).toBeGreaterThan(5 * 365 * 86_400_000);
    const photo = await fetch(request.media_url!);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(withTamperedSignature(request.media_url!))).status).toBe(403);
    expect((await fetch(request.media_url!.replace(/expires=\d+/, 'expires=1'))).status).toBe(403);

    const row = await db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ delivery: 'accepted', external_id: request.service_request_id, connector_kind: 'open311' });

    // A clerk closes it in the back office; polling brings it to the citizen.
    server.setStatus(request.service_request_id!, 'closed', 'Farola reparada', 'Brigada de alumbrado');
    const told = await c.next(15_000);
    expect(told.text).toMatch(new RegExp(`${reference} cambió de estado: Resuelto`));
    expect(told.text).toContain('Farola reparada');
  });

  it('exchanges a batch service\'s token for the request id', async () => {
    server.useTokens(2);
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    const reference = await fileOnTelegram(c);
    expect((await c.next(20_000)).text).toMatch(new RegExp(`ya recibió tu trámite ${reference}`));
    const row = await db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    const created = server.requests.filter((r) => r.description?.includes(`Ref: ${reference}`));
    expect(created).toHaveLength(1);
    expect(row.external_id).toBe(created[0]!.service_request_id);
    expect(row.external_token).toBeNull();
  });

  it('asks the service\'s own questions from its Open311 definition, shows its notices, checks its dates and sends the answers as attributes', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    // What and where were said: the back office's own questions come straight away.
    const reply = (await citizen.ask('Hay un bache enorme en la calle Mayor 3 y ya se cayó una moto')).reply;
    expect(reply.text).toBe('El ayuntamiento pregunta: ¿Hay peligro inmediato?');
    expect(reply.suggestedActions?.actions?.map((a) => a.title)).toEqual(['Sí', 'No']);
    expect((await citizen.ask('Sí')).reply.text).toMatch(/Tamaño aproximado \(cm\) \(si no lo sabes, responde «no»\)/);
    expect((await citizen.ask('unos cuarenta')).reply.text).toMatch(/Tamaño aproximado/);
    const who = (await citizen.ask('40')).reply;
    expect(who.suggestedActions?.actions?.map((a) => a.title)).toEqual(['Peatones', 'Coches', 'No sé']);
    // The back office's notice (an informational attribute) is shown, not asked; then its datetime question.
    expect((await citizen.ask('Peatones')).reply.text).toBe('El ayuntamiento informa: Los baches con peligro se tapan en 48 horas.');
    await citizen.botSays(/^El ayuntamiento pregunta: ¿Desde cuándo está\?$/);
    // "el martes" is no date a back office can read: asked again, with the shape of an answer.
    expect((await citizen.ask('el martes')).reply.text).toMatch(/No he entendido la fecha\. Escríbela así: 3\/12\/2026 10:30/);
    await citizen.botSays(/¿Desde cuándo está\?/);
    expect((await citizen.ask('3/12/2026 a las 10:30')).reply.text).toMatch(/^\S+ de Calles y aceras en calle Mayor 3 — ¿lo envío\?/);
    const { reply: filed } = await citizen.ask('sí');
    const reference = /CAL-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
    await citizen.botSays(new RegExp(`ya recibió tu trámite ${reference}`), 20_000);
    const request = server.requests.find((r) => r.description?.includes(`Ref: ${reference}`))!;
    // Sent as a W3C datetime in the city's time zone (Europe/Madrid: +01:00 in December).
    expect(request.attributes).toEqual({ peligro: 'si', tamano: '40', afecta: ['peatones'], desde: '2026-12-03T10:30:00+01:00' });
    citizen.end();
  });
});

