import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ConsoleClient, createAgent } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { buttons, DlConversation, startTestApp, type RunningApp } from '../e2e/support';

/*
 * Asking for a person when the team is open but nobody of it is at a console, through the real app
 * (ROLE=all, real Redis, SQLite) on Direct Line: the citizen is told at once and offered a ticket,
 * rather than waiting in silence for the claim window.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-nobody-'));
let bot: RunningApp;
let db: Db;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  // The citizens' desk has Pau, at a console only when a test connects him; Olga (water) is never online.
  await createAgent(db, 'olga@ajuntament.cat', 'Olga', ['aguas']);
  await createAgent(db, 'pau@ajuntament.cat', 'Pau', ['atencion-ciudadana']);
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const handoffsOf = (conversationId: string | undefined) =>
  db.kysely.selectFrom('handoffs').selectAll().where('channel_conversation_id', '=', conversationId ?? '').execute();

describe('a handoff to a team with nobody online', () => {
  it('tells the citizen at once and files a ticket for the team when they choose it (es)', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply } = await citizen.ask('quiero hablar con una persona');
    expect(reply.text).toBe('Ahora mismo no hay nadie del equipo de Atención ciudadana conectado. Si quieres, lo registro como trámite y te responden por este canal en cuanto puedan; o puedes esperar a que se conecte alguien.');
    expect(buttons(reply)).toEqual(['Registrarlo', 'Esperar']);
    expect(await handoffsOf(citizen.conversationId)).toEqual([]);
    const { reply: describe } = await citizen.ask('Registrarlo');
    expect(describe.text).toMatch(/^Cuéntame en un mensaje qué necesitas/);
    const { reply: filed } = await citizen.ask('Quería saber qué días pasa el camión de la basura por mi calle');
    expect(filed.text).toMatch(/^Quedó registrado con la referencia [A-Z]{3}-\d{4}-\d{6}\. El equipo de Atención ciudadana te va a responder por este mismo canal\./);
    expect(await handoffsOf(citizen.conversationId)).toEqual([]);
    citizen.end();
  });

  it('files what intake collected for the service\'s team at once when the citizen had already said it', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    const { reply: confirm } = await citizen.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana');
    expect(confirm.text).toMatch(/Alumbrado público en calle Colón 12/);
    const { reply: offer } = await citizen.ask('prefiero hablar con una persona');
    expect(offer.text).toMatch(/^Ahora mismo no hay nadie del equipo de .+ conectado\./);
    // "1" picks the first button, as on channels that show the choice as numbered text.
    const { reply: filed } = await citizen.ask('1');
    expect(filed.text).toMatch(/^Quedó registrado con la referencia ALU-\d{4}-\d{6}\./);
    const ticket = await db.kysely.selectFrom('tickets').selectAll().where('conversation_id', '=', citizen.conversationId!).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ service: 'alumbrado', address: 'calle Colón 12' });
    expect(await handoffsOf(citizen.conversationId)).toEqual([]);
    citizen.end();
  });

  it('queues the citizen all the same when they choose to wait (en)', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola|Hello/);
    const id = await citizen.post('I want to talk to a person please', { locale: 'en-GB' });
    const offer = await citizen.botSays((a) => a.replyToId === id);
    expect(offer.text).toMatch(/^Nobody from the Citizen service team is online right now\. If you like, I can file it as a request/);
    expect(buttons(offer)).toEqual(['File it', 'Wait']);
    const waitId = await citizen.post('Wait', { locale: 'en-GB' });
    const queued = await citizen.botSays((a) => a.replyToId === waitId);
    expect(queued.text).toMatch(/You are number 1 in the queue/);
    expect((await handoffsOf(citizen.conversationId)).map((h) => h.status)).toEqual(['queued']);
    citizen.end();
  });

  it('queues at once, without the offer, when someone of the team is at a console', async () => {
    const pau = await ConsoleClient.login(bot.url, 'pau@ajuntament.cat');
    await pau.connect();
    try {
      const citizen = await DlConversation.open(bot.url);
      await citizen.botSays(/Hola/);
      const { reply } = await citizen.ask('vull parlar amb algú');
      expect(reply.text).toMatch(/^Et passo amb una persona de l'equip de .+\. Ets el número \d+ de la cua/);
      citizen.end();
    } finally {
      pau.disconnect();
    }
  });
});
