import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSentinelGroup, type SentinelGroup } from '../support/redis-sentinel-group';
import { WebChatCitizen, type AckedMessage } from '../support/webchat-citizen';

/*
 * Issue 14 part 8: Redis that survives losing a node. A real group (one master, two replicas, three
 * sentinels), the whole bot (ROLE=all) on it through REDIS_SENTINELS, web chat citizens writing all
 * the time, and the master killed with SIGKILL in the middle. Nothing acknowledged may be lost, nothing
 * answered twice, and the bot must answer again within 30 s of the crash.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CITIZENS = 4;
/** Every message asks for help: one reply each, whatever the conversation's state. */
const TEXT = 'ayuda';

let group: SentinelGroup | undefined;
let bot: ChildProcess | undefined;
let dir: string | undefined;
const botOutput: string[] = [];

afterAll(() => {
  bot?.kill('SIGKILL');
  group?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  group = await startSentinelGroup();
  dir = mkdtempSync(join(tmpdir(), 'sentinel-bot-'));
}, 60_000);

async function startBot(port: number, secret: string): Promise<void> {
  bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'test', ROLE: 'all', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
      REDIS_SENTINELS: group!.sentinelList, REDIS_MASTER_NAME: group!.name, REDIS_PREFIX: 't-sentinel',
      DATA_DIR: dir!, SQLITE_PATH: join(dir!, 'bot.sqlite'), DIRECTLINE_SECRET: secret, LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    botOutput.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    botOutput.splice(0, Math.max(0, botOutput.length - 300));
  };
  bot.stdout!.on('data', keep);
  bot.stderr!.on('data', keep);
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (bot.exitCode !== null) throw new Error(`the bot exited (${bot.exitCode}):\n${botOutput.join('\n')}`);
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the bot was not ready in 60 s:\n${botOutput.join('\n')}`);
}

describe('the bot on Redis Sentinel when the master crashes under web chat traffic', () => {
  it('loses no acknowledged message, answers none twice, and answers again within 30 s', async () => {
    const port = await freePort();
    const secret = randomUUID() + randomUUID();
    await startBot(port, secret);
    const base = `http://127.0.0.1:${port}/v3/directline`;
    const citizens = await Promise.all(Array.from({ length: CITIZENS }, (_, i) => WebChatCitizen.open(base, secret, `citizen-${i}`)));
    citizens.forEach((c) => c.startPolling());

    // Each citizen writes, gets the acknowledgement, waits a moment and writes again, until told to stop.
    let sending = true;
    const giveUpAt = Date.now() + 150_000;
    const traffic = citizens.map(async (c) => {
      while (sending) {
        await c.send(TEXT, giveUpAt);
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    const allAcked = (): Array<AckedMessage & { citizen: WebChatCitizen }> => citizens.flatMap((c) => c.acked.map((m) => ({ ...m, citizen: c })));
    const answered = (m: AckedMessage & { citizen: WebChatCitizen }) => m.citizen.repliesTo(m.id).length > 0;

    try {
      // Steady traffic first, answered.
      await waitUntil(() => allAcked().filter(answered).length >= 20, 30_000, '20 answers before the crash');
      const oldMaster = await group!.masterPort();
      const crashedAt = Date.now();
      group!.crash(oldMaster);

      // The first answer to a message first tried after the crash: the bot works again.
      const answerAfterCrash = () => {
        const times = allAcked().filter((m) => m.firstTriedAt > crashedAt).flatMap((m) => m.citizen.repliesTo(m.id).map((r) => r.at));
        return times.length ? Math.min(...times) : undefined;
      };
      await waitUntil(() => answerAfterCrash() !== undefined, 45_000, 'an answer to a message sent after the crash');
      const recoveredAt = answerAfterCrash()!;
      // A few more seconds of traffic on the new master, then every acknowledged message must be answered.
      await new Promise((r) => setTimeout(r, 3_000));
      sending = false;
      await Promise.all(traffic);
      await waitUntil(() => allAcked().every(answered), 60_000, 'an answer to every acknowledged message').catch(() => undefined);

      const acked = allAcked();
      const lost = acked.filter((m) => !answered(m)).map((m) => m.clientActivityID);
      const twice = acked.filter((m) => m.citizen.repliesTo(m.id).length > 1).map((m) => ({ message: m.clientActivityID, replies: m.citizen.repliesTo(m.id).map((r) => r.id) }));
      const newMaster = await group!.masterPort();
      console.log(JSON.stringify({
        sentinelFailover: {
          acknowledged: acked.length,
          acknowledgedAfterCrash: acked.filter((m) => m.firstTriedAt > crashedAt).length,
          answered: acked.filter(answered).length,
          failedPostsRetried: citizens.reduce((n, c) => n + c.failedPosts, 0),
          longestAcknowledgementMs: Math.max(...acked.map((m) => m.ackedAt - m.firstTriedAt)),
          answersAgainAfterMs: recoveredAt - crashedAt,
          lost: lost.length, answeredTwice: twice.length, oldMaster, newMaster,
        },
      }));
      expect(newMaster).not.toBe(oldMaster);
      expect(lost).toEqual([]);
      expect(twice).toEqual([]);
      expect(recoveredAt - crashedAt).toBeLessThan(30_000);
    } catch (err) {
      console.error(`bot output (last lines):\n${botOutput.slice(-60).join('\n')}`);
      throw err;
    } finally {
      sending = false;
      await Promise.allSettled(traffic);
      await Promise.all(citizens.map((c) => c.stopPolling()));
    }
  }, 240_000);
});

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
