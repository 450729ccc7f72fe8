import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcesses } from '../support/bot-processes';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { DlConversation, waitFor } from './support';

/*
 * The queued path across processes: one ROLE=web process (Direct Line) and two ROLE=worker processes
 * (dialog turns), sharing one Redis prefix and one SQLite file, each a real `node --import tsx bot/main.ts`.
 */

/** Six messages that walk into an intake, interrupt it, answer by number, and cancel; with what each is answered. */
const SCRIPT: ReadonlyArray<{ text: string; replies: RegExp[] }> = [
  { text: 'Hay una farola apagada en la calle Colón 12 desde hace una semana', replies: [/Reclamo de Alumbrado público/] },
  { text: 'ayuda', replies: [/Así te puedo ayudar/, /Reclamo de Alumbrado público/] },
  { text: '5', replies: [/¿Dónde es\?/] },
  { text: 'Calle Colón 12', replies: [/Reclamo de Alumbrado público en Calle Colón 12/] },
  { text: 'no', replies: [/¿Qué quieres cambiar\?/] },
  { text: 'cancelar', replies: [/lo dejamos aquí/] },
];
const CONVERSATIONS = 10;

const prefix = testPrefix();
let dataDir: string;
let baseUrl: string;
let redis: Redis;
let inboundQueue: Queue;
const workers: ChildProcess[] = [];
const conversations: DlConversation[] = [];

let bots: BotProcesses | undefined;
const startBot = (env: Record<string, string>): ChildProcess => bots!.start(env);

async function startWeb(): Promise<void> {
  baseUrl = await bots!.startWeb();
}

const inboundWorkers = async (): Promise<number> => (await inboundQueue.getWorkers()).length;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'e2e-multi-'));
  bots = new BotProcesses({ prefix, dataDir });
  redis = redisClient();
  inboundQueue = new Queue('inbound', { connection: redis, prefix: `${prefix}:bull` });
  workers.push(startBot({ ROLE: 'worker' }), startBot({ ROLE: 'worker' }));
  await startWeb();
  await waitFor(async () => ((await inboundWorkers()) === 2 ? true : undefined), 'both worker processes', 40_000);
});

afterAll(async () => {
  for (const c of conversations.splice(0)) c.end();
  await bots?.stopAll();
  await inboundQueue?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Opens a conversation and waits for its greeting, so every later bot message answers a citizen message. */
async function openConversation(): Promise<DlConversation> {
  const c = await DlConversation.open(baseUrl);
  conversations.push(c);
  await c.botSays(/Hola/, 20_000);
  return c;
}

/** Posts the script's messages one after another as fast as the server acknowledges them; returns their ids. */
async function sendScript(c: DlConversation, onPosted?: () => void): Promise<string[]> {
  const ids: string[] = [];
  for (const step of SCRIPT) {
    ids.push(await c.post(step.text));
    onPosted?.();
  }
  return ids;
}

/**
 * One more message per conversation, answered only after everything before it (turns of a conversation
 * run in order): once it is answered, a late duplicate answer to the script could no longer be on its way.
 */
async function probe(cs: DlConversation[]): Promise<string[]> {
  return Promise.all(cs.map(async (c) => (await c.ask('ayuda', 50_000)).id));
}

/** True once every sent message has at least one reply (what the replies say is checked afterwards). */
const allAnswered = (cs: DlConversation[], sent: string[][]) => () =>
  cs.every((c, i) => (sent[i] ?? []).every((id) => c.repliesTo(id).length > 0)) ? true : undefined;

/** Replies to the script's messages come in the order of the messages: collapsing runs of one replyToId gives the sent ids. */
async function checkOrder(c: DlConversation, ids: string[], probeId: string): Promise<void> {
  const stream = await c.streamOrder();
  const answers = stream.filter((a) => a.from?.role === 'bot' && a.replyToId !== undefined);
  const runs = answers.map((a) => a.replyToId).filter((id, i, all) => i === 0 || all[i - 1] !== id);
  expect(runs, `replies out of the order of the messages: ${told(stream)}`).toEqual([...ids, probeId]);
}

/** Each message answered once, with exactly the replies the dialog gives it. */
function checkAnswers(c: DlConversation, ids: string[]): void {
  ids.forEach((id, i) => {
    const got = c.repliesTo(id).map((a) => a.text ?? '');
    const want = SCRIPT[i]?.replies ?? [];
    expect(got, `replies to "${SCRIPT[i]?.text}": ${JSON.stringify(got)}`).toHaveLength(want.length);
    want.forEach((re, j) => expect(got[j], `reply ${j + 1} to "${SCRIPT[i]?.text}"`).toMatch(re));
  });
}

const told = (activities: Partial<Activity>[]): string =>
  JSON.stringify(activities.map((a) => [a.from?.role, a.id, a.replyToId, (a.text ?? '').slice(0, 30)]));

describe('one web process and two worker processes', () => {
  it('answers 10 conversations sending 6 messages each at full speed, each conversation in order and each message once', async () => {
    const cs = await Promise.all(Array.from({ length: CONVERSATIONS }, openConversation));
    const sent = await Promise.all(cs.map((c) => sendScript(c)));
    await waitFor(allAnswered(cs, sent), 'every message answered', 20_000);
    const probes = await probe(cs);
    for (const [i, c] of cs.entries()) {
      await checkOrder(c, sent[i] ?? [], probes[i] ?? '');
      checkAnswers(c, sent[i] ?? []);
    }
  });

  describe('when a worker is killed with SIGKILL while messages flow', () => {
    let cs: DlConversation[] = [];
    let sent: string[][] = [];
    let probes: string[] = [];

    beforeAll(async () => {
      cs = await Promise.all(Array.from({ length: CONVERSATIONS }, openConversation));
      const victim = workers[0];
      if (!victim) throw new Error('no worker to kill');
      let posted = 0;
      const total = CONVERSATIONS * SCRIPT.length;
      // Kill the first worker once a third of the messages are in, while the rest keep coming.
      const countAndKill = (): void => {
        posted += 1;
        if (posted === Math.floor(total / 3)) victim.kill('SIGKILL');
      };
      sent = await Promise.all(cs.map((c) => sendScript(c, countAndKill)));
      await waitFor(() => (victim.signalCode === 'SIGKILL' ? true : undefined), 'the killed worker to exit');
      // The surviving worker takes the killed one's conversations over once their locks expire (~15 s).
      await waitFor(allAnswered(cs, sent), 'every message answered after the kill', 45_000);
      probes = await probe(cs);
    }, 70_000);

    it('still answers every message, each conversation in order, from the surviving worker', async () => {
      expect(await inboundWorkers()).toBe(1);
      for (const [i, c] of cs.entries()) await checkOrder(c, sent[i] ?? [], probes[i] ?? '');
    });

    it('answers no message twice, and each with what it would have got without the kill', () => {
      cs.forEach((c, i) => checkAnswers(c, sent[i] ?? []));
    });
  });
});
