import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { telegramChatOf, webChatOf, type CitizenChat } from '../support/citizen-chat';
import { followSignIn, startOidcProvider } from '../support/oidc-provider';
import { RecordsServer } from '../support/records-server';
import { TelegramChat } from '../support/telegram-chat';
import { freePort, TelegramEmulator } from '../support/telegram-emulator';

/*
 * The citizen's own records through the whole app (issue 16 parts 2 and 3), with a real OpenID Connect
 * provider (oidc-provider), the local city records API (tests/support/records-server.ts) and Telegram
 * through telegram-test-api. On web chat and on Telegram: an unverified citizen asking "mis multas" gets
 * the sign-in link and the city's API is not asked; after signing in, "mis multas" and "mi padrón" show
 * their records with the electronic office's links, each look-up in the audit log (`records.view`); the
 * API down → "not available", and the conversation goes on. On Telegram also "verificar mi identidad":
 * the link, the provider, the chat told it is verified, the assurance level and time kept in SQL.
 */

/** "Now" for the app (the verification's time, the audit log): a fixed instant, whatever day the tests run. */
const NOW = Date.parse('2027-03-02T10:00:00.000Z');
const WEB_ID = '12345678Z';
const TG_ID = '87654321X';
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;

let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let records: RecordsServer;
let emulator: TelegramEmulator;
let bot: RunningApp;
let db: Db;

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  records = await RecordsServer.start();
  records.citizens.set(WEB_ID, {
    records: {
      fines: [
        { id: 'MUL-2027-0042', title: 'Estacionamiento en zona de carga', state: 'Pendiente de pago', dueDate: '2027-04-15', amount: { value: 90, currency: 'EUR' }, url: 'https://sede.example.city/multas/MUL-2027-0042' },
        { id: 'MUL-2026-0913', title: 'Exceso de velocidad', state: 'Pagada', url: 'https://sede.example.city/multas/MUL-2026-0913' },
      ],
    },
    census: { address: 'Calle Mayor 5, 2º A', since: '2019-06-01', householdSize: 3, url: 'https://sede.example.city/padron' },
  });
  records.citizens.set(TG_ID, {
    records: { fines: [{ id: 'MUL-2027-0107', title: 'Circular por el carril bus', state: 'En plazo de alegaciones', url: 'https://sede.example.city/multas/MUL-2027-0107' }] },
    census: { address: 'Avenida del Puerto 21', householdSize: 1, url: 'https://sede.example.city/padron' },
  });
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({
    PORT: String(port), PUBLIC_URL: publicUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'citybot', OIDC_IDENTIFIER_CLAIM: 'national_id',
    OIDC_ACR_VALUES: 'substantial', OIDC_IDENTIFIER_SECRET: 'a-server-secret-of-16+',
    RECORDS_URL: records.url, RECORDS_TOKEN: records.token, RECORDS_TIMEOUT_MS: '1000',
    TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot,
  }, { clock: () => NOW });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await emulator?.stop();
  await records?.stop();
  await provider?.stop();
});

const LINK = /https?:\/\/\S+\/auth\/sign-in\/[A-Za-z0-9_-]+/;
const VERIFIED = /^Listo: ya sé que eres tú\. Tu identidad queda verificada en este chat\.$/;

/** The sign-in link in the bot's answer, followed through the provider (login, consent, PKCE) to the bot's page. */
async function signIn(answer: string): Promise<void> {
  const done = await followSignIn(LINK.exec(answer)![0]);
  expect(done.status).toBe(200);
  expect(done.text).toContain('Identidad verificada');
}

const lookupsOf = async (citizenId: string) =>
  (await db.kysely.selectFrom('audit_log' as never).select(['agent_id', 'agent_role', 'action', 'conversation_id', 'detail'] as never[])
    .where('citizen_id' as never, '=', citizenId as never).orderBy('seq' as never).execute()) as Array<{ agent_id: string; agent_role: string; action: string; conversation_id: string; detail: string }>;

/** The whole story on one channel: refused unverified, sign-in, fines, census, the city's API down. */
async function recordsStory(chat: CitizenChat, nationalId: string, expectFines: RegExp[], channel: string): Promise<void> {
  provider.login.nationalId = nationalId;
  const asked = records.urls.length;
  const first = await chat.ask('mis multas');
  expect(first).toMatch(/^Para ver tus multas necesito saber que eres tú\. Identifícate en este enlace/);
  expect(records.urls.length).toBe(asked); // nothing asked of the city for an unverified citizen
  const citizen = await chat.citizen();
  expect(await lookupsOf(citizen)).toEqual([]);

  await signIn(first);
  await chat.told(VERIFIED);
  const fines = await chat.ask('mis multas');
  for (const line of expectFines) expect(fines).toMatch(line);
  const census = await chat.ask('mi padrón');
  expect(census).toMatch(/^Tu inscripción en el padrón:/);
  expect(census).toContain('https://sede.example.city/padron');
  expect(records.urls.slice(asked)).toEqual(['/api/records/fines', '/api/census']); // the identifier travels in a header only

  records.fault = 'down';
  try {
    expect(await chat.ask('mis multas')).toMatch(/^Ahora mismo no puedo consultar tus multas: el sistema del ayuntamiento no responde\./);
  } finally {
    records.fault = 'none';
  }
  expect(await chat.ask('mi padrón')).toMatch(/^Tu inscripción en el padrón:/); // no crash: the next look-up works

  const verifiedCitizen = await chat.citizen();
  const entries = await lookupsOf(verifiedCitizen);
  expect(entries.map((e) => [e.action, e.agent_role, e.agent_id, JSON.parse(e.detail)])).toEqual([
    ['records.view', 'citizen', verifiedCitizen, { fines: 1 }],
    ['records.view', 'citizen', verifiedCitizen, { census: 1 }],
    ['records.view', 'citizen', verifiedCitizen, { fines: 1 }],
    ['records.view', 'citizen', verifiedCitizen, { census: 1 }],
  ]);
  expect(entries.every((e) => e.conversation_id.startsWith(`${channel}:`))).toBe(true);
}

describe("the citizen's own records through the whole app", () => {
  it('on web chat: the link first, then fines and census with their links, each look-up audited; the city down is said', async () => {
    const c = await DlConversation.open(bot.url);
    try {
      await recordsStory(webChatOf(c, db), WEB_ID, [
        /^Tus multas \(2\):/,
        /MUL-2027-0042.+Estacionamiento en zona de carga · Pendiente de pago · 90,00\s€ · hasta el 15 abr 2027/,
        /https:\/\/sede\.example\.city\/multas\/MUL-2027-0042/,
        /MUL-2026-0913.+Exceso de velocidad · Pagada/,
        /https:\/\/sede\.example\.city\/multas\/MUL-2026-0913/,
      ], 'webchat');
    } finally {
      c.end();
    }
  }, 120_000);

  it('on Telegram: the same, through the Bot API', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');
    await recordsStory(telegramChatOf(c, db), TG_ID, [
      /^Tus multas \(1\):/,
      /MUL-2027-0107.+Circular por el carril bus · En plazo de alegaciones/,
      /https:\/\/sede\.example\.city\/multas\/MUL-2027-0107/,
    ], 'telegram');
  }, 120_000);
});

describe('verifying one’s identity on Telegram', () => {
  it('sends the link, and after the provider the chat is told; the assurance level and time are kept, the identifier only sealed', async () => {
    const nationalId = `${randomInt(10_000_000, 99_999_999)}T`;
    provider.login.nationalId = nationalId;
    const chat = telegramChatOf(new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es'), db);
    const answer = await chat.ask('quiero verificar mi identidad');
    expect(answer).toMatch(/^Para identificarte, entra en este enlace con el sistema de identificación del ayuntamiento \(caduca en 10 minutos\)\./);
    await signIn(answer);
    await chat.told(VERIFIED);

    const citizen = await chat.citizen();
    const identities = await db.kysely.selectFrom('channel_identities').select(['channel', 'verified']).where('citizen_id', '=', citizen).orderBy('channel').execute();
    expect(identities.map((i) => [i.channel, Number(i.verified)])).toEqual([['oidc', 1], ['telegram', 1]]);
    const kept = await db.kysely.selectFrom('verified_identities' as never).selectAll().where('citizen_id' as never, '=', citizen as never).execute() as Array<Record<string, string>>;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ acr: 'substantial', verified_at: new Date(NOW).toISOString(), identifier_sealed: expect.stringMatching(/^v1\./) });
    expect(JSON.stringify(kept)).not.toContain(nationalId);
  }, 60_000);
});
