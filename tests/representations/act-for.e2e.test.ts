import { mkdtempSync, rmSync } from 'node:fs';
import { randomInt, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { Citizen360, HandoffDetail } from '../../console/protocol';
import type { RepresentationList } from '../../console/representation-protocol';
import type { OfficeDay } from '../../console/appointment-protocol';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { telegramChatOf, webChatOf, type CitizenChat } from '../support/citizen-chat';
import { ConsoleClient, createAgent } from '../support/console-client';
import { followSignIn, startOidcProvider } from '../support/oidc-provider';
import { TelegramChat } from '../support/telegram-chat';
import { freePort, TelegramEmulator } from '../support/telegram-emulator';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * Acting for someone else through the whole app (issue 16 part 4), on web chat and on Telegram, with a real
 * OpenID Connect provider (oidc-provider) and telegram-test-api: the citizen asks, gets the sign-in link,
 * signs in through the provider, asks again and sends a proof photo; a supervisor approves it through the
 * console's HTTP API and the representative is told on their chat; then a complaint filed on behalf is the
 * represented person's ticket in SQL with the representative recorded, an appointment booked on behalf
 * records both, and the citizen's view in the console says who filed the ticket for whom.
 */

/** "Now" for the app (approvals, appointments): a Tuesday, 10:00 in Madrid, whatever day the tests run. */
const NOW = Date.parse('2027-03-02T09:00:00.000Z');
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'act-for-'));
const SUPERVISOR = `sup-${randomUUID().slice(0, 6)}@ajuntament.cat`;
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let emulator: TelegramEmulator;
let bot: RunningApp;
let db: Db;
let supervisor: ConsoleClient;

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({
    CATALOG: writeTestCatalog(dir), PORT: String(port), PUBLIC_URL: publicUrl,
    OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'citybot', OIDC_IDENTIFIER_CLAIM: 'national_id', OIDC_ACR_VALUES: 'substantial', OIDC_IDENTIFIER_SECRET: 'a-server-secret-of-16+',
    TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot,
  }, { clock: () => NOW });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, SUPERVISOR, 'Sílvia Supervisora', ['atencion-ciudadana'], { role: 'supervisor' });
  supervisor = await ConsoleClient.login(bot.url, SUPERVISOR);
  await supervisor.connect(); // online: a citizen asking for a person is queued
}, 60_000);
afterAll(async () => {
  supervisor?.disconnect();
  await db?.close();
  await bot?.stop();
  await emulator?.stop();
  await provider?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';

/** The whole story on one channel; the ticket's and the appointment's references. */
async function actForStory(chat: CitizenChat, nationalId: string, name: string): Promise<{ reference: string; appointment: string }> {
  provider.login.nationalId = nationalId;
  const first = await chat.ask('quiero actuar en nombre de mi madre');
  expect(first).toMatch(/^Para actuar en nombre de otra persona primero necesito saber que eres tú\. Identifícate en este enlace/);
  const done = await followSignIn(/https?:\/\/\S+\/auth\/sign-in\/[A-Za-z0-9_-]+/.exec(first)![0]);
  expect(done.status).toBe(200);
  await chat.told(/^Listo: ya sé que eres tú\. Tu identidad queda verificada en este chat\.$/);

  expect(await chat.ask('quiero actuar en nombre de mi madre')).toMatch(/dime su nombre completo/);
  expect(await chat.choose(name)).toEqual({ text: `¿Qué relación tienes con ${name}?`, buttons: ['Familiar', 'Servicios sociales', 'Representante legal', 'Otra'] });
  expect(await chat.ask('Familiar')).toMatch(/^Envíame una foto o un PDF del documento que lo acredita/);
  expect(await chat.ask('luego te lo mando')).toMatch(/^Necesito una foto o un PDF/);
  expect(await chat.sendPhoto(PNG)).toMatch(new RegExp(`^Hecho: he enviado tu solicitud para actuar en nombre de ${name}\\.`));
  const representative = await chat.citizen();

  // A supervisor approves it in the console (its HTTP API) until 1 March 2028; the representative is told.
  const pending = (await supervisor.get('/representations')).body as RepresentationList;
  const item = pending.items.find((i) => i.representedName === name)!;
  expect(item).toMatchObject({ representativeId: representative, relationship: 'family' });
  expect((await supervisor.post(`/representations/${item.id}/approve`, { expiresOn: '2028-03-01' })).status).toBe(200);
  await chat.told(new RegExp(`^El ayuntamiento ha aprobado que actúes en nombre de ${name} hasta el 1 de marzo de 2028\\.$`));
  const { represented_citizen_id: represented } = await db.kysely.selectFrom('representations' as never).select('represented_citizen_id' as never).where('id' as never, '=', item.id as never).executeTakeFirstOrThrow() as { represented_citizen_id: string };

  // A complaint on behalf: the represented person's ticket, with the representative recorded.
  expect(await chat.choose(FAROLA)).toEqual({ text: '¿Para quién es?', buttons: ['Para mí', name] });
  expect(await chat.ask(name)).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/);
  const filed = await chat.ask('sí');
  expect(filed).toMatch(/^¡Listo! ✅ Registré tu reclamo con el número ALU-\d{4}-\d{6}\./);
  const reference = /ALU-\d{4}-\d{6}/.exec(filed)![0];
  expect(await db.kysely.selectFrom('tickets').select(['citizen_id', 'representative_id']).where('reference', '=', reference).executeTakeFirstOrThrow())
    .toEqual({ citizen_id: represented, representative_id: representative });

  // An appointment on behalf: the first procedure, office, day and time, then for whom.
  expect(await chat.ask('quiero pedir cita')).toMatch(/^¿Para qué trámite quieres la cita\?/);
  for (const answer of ['1', '1', '1']) await chat.ask(answer);
  expect(await chat.choose('1')).toEqual({ text: '¿Para quién es?', buttons: ['Para mí', name] });
  const booked = await chat.ask(name);
  expect(booked).toMatch(new RegExp(`^Hecho: ${name} tiene cita para Empadronamiento el `));
  const appointment = /CITA-[A-Z0-9]{6}/.exec(booked)![0];
  expect(await db.kysely.selectFrom('appointments' as never).select(['citizen_id', 'representative_id'] as never[]).where('reference' as never, '=', appointment as never).executeTakeFirstOrThrow())
    .toEqual({ citizen_id: represented, representative_id: representative });
  expect(await chat.ask('mis citas')).toMatch(new RegExp(`${appointment}(?:</b>)? · Empadronamiento · [^\\n]+ · en nombre de ${name}`));
  expect(await chat.ask('mis solicitudes')).toContain(`${reference} · Alumbrado público · Recibido · en nombre de ${name}`);
  return { reference, appointment };
}

describe('acting for someone else through the whole app', () => {
  it('on web chat: sign-in, proof photo, approval in the console, then a complaint and an appointment on behalf; the console names both', async () => {
    const c = await DlConversation.open(bot.url);
    try {
      const { reference, appointment } = await actForStory(webChatOf(c, db), '12345678Z', 'Rosa Pérez García');
      // The office desk's day shows no names, but that a representative booked it.
      const { starts_at: startsAt } = await db.kysely.selectFrom('appointments' as never).select('starts_at' as never).where('reference' as never, '=', appointment as never).executeTakeFirstOrThrow() as { starts_at: string };
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date(startsAt));
      const desk = (await supervisor.get(`/appointments?office=oac-centro&day=${day}`)).body as OfficeDay;
      expect(desk.items.find((a) => a.reference === appointment)).toMatchObject({ byRepresentative: true });
      // The agent's view of the representative: the ticket says who filed it for whom.
      expect(await c.ask('quiero hablar con una persona')).toBeDefined();
      const handoff = await waitFor(async () => (await db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', `webchat:${c.conversationId}`).executeTakeFirst())?.id, 'the handoff in SQL');
      const detail = (await supervisor.get(`/handoffs/${handoff}`)).body as HandoffDetail;
      const ticket = (detail.citizen as Citizen360).tickets.find((x) => x.reference === reference);
      expect(ticket?.onBehalf).toEqual({ represented: 'Rosa Pérez García', byThisCitizen: true });
    } finally {
      c.end();
    }
  }, 120_000);

  it('on Telegram: the same story through the Bot API', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');
    await actForStory(telegramChatOf(c, db), '87654321X', 'Joan Puig Vidal');
  }, 120_000);
});
