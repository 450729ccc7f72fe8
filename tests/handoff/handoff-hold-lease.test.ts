import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../bot/app';
import { createLogger } from '../../bot/logger';
import { openDatabase, type Db } from '../../bot/sql/database';
import { holdKeyOf } from '../../handoff/hold-key';
import { conversationKey } from '../../bot/conversation-key';
import { ConsoleClient, createAgent } from '../support/console-client';
import { eventually } from '../support/redis';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * A stale handoff hold must not silence the bot (issue 12 part 9). Ending a handoff updates SQL, then
 * deletes the Redis hold; when Redis fails between the two, the hold used to stay forever. Holds are
 * leases now (handoff/holds): renewed by the handoff timers' sweep while SQL says the handoff is
 * open, dropped when a held message finds SQL says it ended, and reconciled with SQL at start.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'hold-lease-'));
let bot: RunningApp;
let db: Db;
let ana: ConsoleClient;

beforeAll(async () => {
  // Ana never opens a console: she keeps what she claims for the whole run.
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir, (c) => void (c.handoff.graceSeconds = 3_600)) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana'], { maxConcurrent: 50 });
  ana = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const redis = (): Redis => bot.app.redis;
const holdOf = (conversationId: string) => holdKeyOf(bot.config.REDIS_PREFIX, conversationKey('webchat', conversationId));

/** A citizen whose conversation Ana holds. */
async function heldCitizen(): Promise<{ citizen: DlConversation; id: string; hold: string }> {
  const citizen = await DlConversation.open(bot.url);
  const { reply } = await citizen.ask('quiero hablar con una persona');
  // Ana has no console open: once her login is older than the presence window nobody of the team is
  // online, and the citizen chooses to wait in the queue all the same.
  if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
  const key = `webchat:${citizen.conversationId}`;
  const { id } = await waitFor(() => db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff');
  expect((await ana.post(`/handoffs/${id}/claim`)).status).toBe(200);
  await citizen.botSays(/te atiende Ana/);
  return { citizen, id, hold: holdOf(citizen.conversationId!) };
}

/**
 * Runs `action` while every command of the app's Redis connection that deletes `key` fails, as if the
 * connection broke right after the SQL update (a DEL, or a script whose first key it is).
 */
async function withHoldDeleteFailing<T>(key: string, action: () => Promise<T>): Promise<T> {
  type Command = { name: string; args: unknown[]; reject(err: Error): void; promise: Promise<unknown> };
  const client = redis() as unknown as { sendCommand(command: Command, ...rest: unknown[]): unknown };
  const original = client.sendCommand;
  let failed = 0;
  client.sendCommand = function (this: unknown, command: Command, ...rest: unknown[]) {
    const deletes = (['del', 'unlink'].includes(command.name) && command.args[0] === key) || (['evalsha', 'eval'].includes(command.name) && command.args[2] === key);
    if (!deletes) return original.call(this, command, ...rest);
    failed++;
    command.reject(new Error('Connection is closed.'));
    return command.promise;
  };
  try {
    return await action();
  } finally {
    client.sendCommand = original;
    expect(failed, 'the hold delete was attempted and failed').toBeGreaterThan(0);
  }
}

describe('handoff holds heal themselves', () => {
  it('a release whose hold delete fails in Redis still releases, and the bot answers the citizen\'s next message', async () => {
    const { citizen, id, hold } = await heldCitizen();
    const released = await withHoldDeleteFailing(hold, () => ana.post(`/handoffs/${id}/release`));
    expect(released.status).toBe(200);
    expect(await redis().exists(hold)).toBe(1); // the stale hold, left behind
    await citizen.botSays(/Vuelves a hablar con el asistente/);
    const { reply } = await citizen.ask('Hay una farola apagada en la calle Colón 12');
    expect(reply.text).toContain('Alumbrado público');
    expect(await redis().exists(hold)).toBe(0);
    citizen.end();
  });

  it('holds are leases: the sweep renews an open handoff\'s hold and lets a stale one lapse', async () => {
    const open = await heldCitizen();
    const ended = await heldCitizen();
    expect(await redis().pttl(open.hold)).toBeGreaterThan(0);
    expect((await withHoldDeleteFailing(ended.hold, () => ana.post(`/handoffs/${ended.id}/close`, { resolution: 'Resuelto' }))).status).toBe(200);
    // Both about to lapse; the timers' sweep (every 5 s) decides which one lives on.
    await redis().pexpire(open.hold, 1_500);
    await redis().pexpire(ended.hold, 1_500);
    await eventually(async () => (await redis().pttl(open.hold)) > 10_000, 20_000, 'the open handoff\'s hold renewed');
    await eventually(async () => (await redis().exists(ended.hold)) === 0, 20_000, 'the stale hold lapsed');
    expect(JSON.parse((await redis().get(open.hold))!)).toMatchObject({ id: open.id, status: 'assigned' });
    open.citizen.end();
    ended.citizen.end();
  });

  it('a process that starts drops holds of ended handoffs and sets those Redis lost', async () => {
    const open = await heldCitizen();
    const { id: closedId } = await db.kysely.selectFrom('handoffs').select('id').where('status', 'in', ['closed', 'released']).executeTakeFirstOrThrow();
    const stale = holdOf(randomUUID());
    const orphan = holdOf(randomUUID());
    // As an older version left them: no expiry.
    await redis().set(stale, JSON.stringify({ id: closedId, status: 'assigned', team: 'atencion-ciudadana' }));
    await redis().set(orphan, JSON.stringify({ id: randomUUID(), status: 'queued', team: 'atencion-ciudadana' }));
    await redis().del(open.hold);
    const second = await startApp({ ...bot.config }, createLogger('silent'));
    try {
      expect(await redis().exists(stale, orphan)).toBe(0);
      expect(JSON.parse((await redis().get(open.hold))!)).toMatchObject({ id: open.id, status: 'assigned' });
      expect(await redis().pttl(open.hold)).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
    open.citizen.end();
  });
});
