import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { startTestApp, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent } from '../support/console-client';
import { capturingLogger, RUNS, TIMEOUT } from './support';

/*
 * The console's live socket fed hostile frames by a logged-in agent (issue 12 parts 2 and 7): random JSON
 * values, mutations of the protocol's own frames, random text and bytes. Each frame either is a valid client
 * event (a ping is answered, open/close change nothing visible) or closes that socket with 1008 (1009 when
 * over 2 KB); nothing is
 * logged at error level and the process keeps serving.
 */

const logs = capturingLogger();
let bot: RunningApp;
let db: Db;
let email: string;

beforeAll(async () => {
  bot = await startTestApp({}, {}, logs.log);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  email = `fuzz-${randomUUID().slice(0, 8)}@ajuntament.example`;
  await createAgent(db, email, 'Fuzz', ['atencion-ciudadana']);
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
});

const VALID = [{ type: 'ping' }, { type: 'open', handoffId: randomUUID() }, { type: 'close', handoffId: randomUUID() }];
const arbFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ type: fc.constantFrom('ping', 'open', 'close', 'typing', 'TYPE', ''), handoffId: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.jsonValue()) }, { requiredKeys: ['type'] })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(...VALID).chain((v) => fc.integer({ min: 0, max: JSON.stringify(v).length }).map((cut) => JSON.stringify(v).slice(0, cut))),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 1, max: 64 }).map((depth) => '['.repeat(depth * 20) + ']'.repeat(depth * 20)),
);

describe('console socket frames', () => {
  it('are a valid event or close that socket with 1008, never an error', async () => {
    const client = await ConsoleClient.login(bot.url, email);
    const outcomes = { valid: 0, closed: 0 };
    await fc.assert(
      fc.asyncProperty(arbFrame, async (frame) => {
        await client.connect();
        client.sendRaw(frame);
        // A valid frame leaves the socket open and a ping after it answered; a bad one closes it with 1008.
        const settled = await client.pong().then(() => 'open', () => 'closed');
        if (settled === 'open') outcomes.valid++;
        else {
          // 1009: over the 2 KB a console frame may have.
          expect([1008, 1009]).toContain(client.closedWith?.code);
          outcomes.closed++;
        }
        client.disconnect();
        expect(logs.errors()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.closed).toBeGreaterThan(0);
    expect((await client.get('/me')).status).toBe(200);
  }, TIMEOUT);
});
