import type { ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ConsoleClient, createAgent } from '../support/console-client';
import { stopBot } from '../../bench/spawn-bot';
import { BotProcesses } from '../support/bot-processes';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { DlConversation, waitFor } from '../e2e/support';

/*
 * Agents' corrections change the running classifier of another process, without a restart (issue 13
 * part 3): one ROLE=web process (Direct Line + the console) and one ROLE=worker process (the turns,
 * so the classifier), each a real `node --import tsx bot/main.ts`, sharing one Redis prefix and one
 * SQLite file. The agent corrects on the web process; the worker's next reading of the same words
 * follows the correction. Last, the same for a change of a worker's CLASSIFIER_HISTORY file.
 */

/** A leaning post: the catalog alone reads street lighting; the agents know it is a traffic sign's post. */
const TEXT = 'El poste de la esquina de la calle Colón 12 está torcido';
const CORRECTIONS = 3;

const prefix = testPrefix();
let dataDir: string;
let baseUrl: string;
let redis: Redis;
let db: Db;
let worker: ChildProcess;
let lateWorker: ChildProcess | undefined;
const conversations: DlConversation[] = [];

let bots: BotProcesses | undefined;
const startBot = (env: Record<string, string>): ChildProcess => bots!.start(env);

async function startWeb(): Promise<void> {
  baseUrl = await bots!.startWeb();
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'corrections-2p-'));
  bots = new BotProcesses({ prefix, dataDir });
  redis = redisClient();
  worker = startBot({ ROLE: 'worker' });
  await startWeb();
  db = await openDatabase({ sqlitePath: path.join(dataDir, 'bot.sqlite') });
  // The worker follows the corrections once it is subscribed to their notices.
  await waitFor(async () => (((await redis.pubsub('NUMSUB', `${prefix}:classifier-corrections`)) as [string, number])[1] >= 1 ? true : undefined), 'the worker following corrections', 40_000);
}, 120_000);

afterAll(async () => {
  for (const c of conversations.splice(0)) c.end();
  await bots?.stopAll();
  await db?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A new citizen says TEXT; resolves with the worker's first answer. */
async function firstReading(text = TEXT): Promise<string> {
  const c = await DlConversation.open(baseUrl);
  conversations.push(c);
  await c.botSays(/Hola/, 20_000);
  const { reply } = await c.ask(text, 20_000);
  c.end();
  return reply.text ?? '';
}

/** A street-lighting ticket with the citizen's words, as the bot filed it (our own SQL: the built-in connector). */
async function misfiledTicket(n: number): Promise<string> {
  const reference = `ALU-2026-${String(800_000 + n).padStart(6, '0')}`;
  const at = new Date().toISOString();
  await db.kysely.insertInto('tickets').values({
    reference, service: 'alumbrado', type: 'reclamo', status: 'open', description: TEXT, address: null, lat: null, lon: null,
    citizen_id: `c${n}`, channel: 'webchat', conversation_id: `conv${n}`, locale: 'es', contact: null, connector_kind: 'builtin', external_id: null,
    idempotency_key: `k-${reference}`, created_at: at, updated_at: at, delivery: null, delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
  }).execute();
  return reference;
}

describe('agent corrections across two processes', () => {
  it("a text the worker reads as street lighting is read as traffic signs after agents' corrections on the web process, with no restart", async () => {
    expect(await firstReading()).toMatch(/Alumbrado público/);
    const workerPid = worker.pid;

    await createAgent(db, 'movilidad@ajuntament.cat', 'Mario', ['mantenimiento-urbano', 'movilidad']);
    const agent = await ConsoleClient.login(baseUrl, 'movilidad@ajuntament.cat');
    for (let n = 1; n <= CORRECTIONS; n++) {
      const res = await agent.post(`/tickets/${await misfiledTicket(n)}/correction`, { service: 'transito', type: 'reclamo' });
      expect(res.status).toBe(201);
    }
    expect(await db.kysely.selectFrom('classifier_corrections').select('service').execute()).toEqual(Array.from({ length: CORRECTIONS }, () => ({ service: 'transito' })));

    // The worker retrains in the background and swaps the model in: a later citizen gets the corrected reading.
    const reading = await waitFor(async () => {
      const text = await firstReading();
      return /Tráfico y señalización/.test(text) ? text : undefined;
    }, 'the worker reading the text as traffic signs', 60_000);
    expect(reading).not.toMatch(/Alumbrado público/);
    expect(worker.exitCode).toBeNull();
    expect(worker.pid).toBe(workerPid);
  }, 180_000);

  it('a worker started later trains on the stored corrections from the start', async () => {
    const late = (lateWorker = startBot({ ROLE: 'worker' }));
    await waitFor(async () => (((await redis.pubsub('NUMSUB', `${prefix}:classifier-corrections`)) as [string, number])[1] >= 2 ? true : undefined), 'the second worker following corrections', 40_000);
    await stopBot(worker); // from now on only the new worker runs turns (it takes them only after its start-up)
    // It subscribes only once its first model (catalog + corrections) is trained: its first answer is the corrected one.
    expect(await firstReading()).toMatch(/Tráfico y señalización/);
    expect(late.exitCode).toBeNull();
  }, 180_000);

  it("a worker follows a change of its CLASSIFIER_HISTORY file (the city's own history), with no restart", async () => {
    const bench = 'El banco del parque de la calle Mayor 5 tiene las tablas rotas';
    const file = path.join(dataDir, 'history.csv');
    await writeFile(file, 'text,service,type\n');
    const reader = startBot({ ROLE: 'worker', CLASSIFIER_HISTORY: file });
    await waitFor(async () => (((await redis.pubsub('NUMSUB', `${prefix}:classifier-corrections`)) as [string, number])[1] >= 2 ? true : undefined), 'the history worker started', 40_000);
    if (lateWorker) await stopBot(lateWorker);
    expect(await firstReading(bench)).toMatch(/Parques/);
    const readerPid = reader.pid;

    // The city's history says such benches are street furniture (an invented rule: what matters is that the file decides).
    await appendFile(file, Array.from({ length: 6 }, () => `"${bench}",calles,reclamo\n`).join(''));
    const reading = await waitFor(async () => {
      const text = await firstReading(bench);
      return /Calles y aceras/.test(text) ? text : undefined;
    }, 'the worker reading the text as the history says', 60_000);
    expect(reading).not.toMatch(/Parques/);
    expect(reader.exitCode).toBeNull();
    expect(reader.pid).toBe(readerPid);
  }, 180_000);
});
