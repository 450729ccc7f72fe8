import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startSentinelGroup, type SentinelGroup } from '../support/redis-sentinel-group';
import { WebChatCitizen, type AckedMessage } from '../support/webchat-citizen';

/*
 * Issue 14 part 8: Redis that survives losing a node. A real group (one master, two replicas, three
 * sentinels), the whole bot (ROLE=all) on it through REDIS_SENTINELS, web chat citizens writing all
 * the time, and the master killed (SIGKILL) or frozen (SIGSTOP) in the middle. Nothing acknowledged may be
 * lost, nothing answered twice, and the bot must answer again within 30 s of the fault.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CITIZENS = 4;
/** Every message asks for help: one reply each, whatever the conversation's state. */
const TEXT = 'ayuda';

// Each test's group, bot and folder; all killed and removed after the tests, whatever happened.
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** The bot (ROLE=all) on `group` through its sentinels, ready; its output lines kept in `botOutput`. */
async function startBot(group: SentinelGroup, port: number, secret: string, botOutput: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bot-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const bot: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'test', ROLE: 'all', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
      REDIS_SENTINELS: group.sentinelList, REDIS_MASTER_NAME: group.name, REDIS_PREFIX: 't-sentinel',
      DATA_DIR: dir, SQLITE_PATH: join(dir, 'bot.sqlite'), DIRECTLINE_SECRET: secret, LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => void bot.kill('SIGKILL'));
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

describe('the bot on Redis Sentinel when the master is lost under web chat traffic', () => {
  it.each([
    ['crashes (SIGKILL: its sockets close)', 'crash'],
    // A machine that loses power or its network closes nothing: only the failover detector notices.
    ['freezes (SIGSTOP: it stops answering and its sockets stay open)', 'freeze'],
  ] as const)('master %s: no acknowledged message lost, none answered twice, answers again within 30 s', async (_how, fault) => {
    const group = await startSentinelGroup();
    cleanups.push(() => group.stop());
    const botOutput: string[] = [];
    const port = await freePort();
    const secret = randomUUID() + randomUUID();
    await startBot(group, port, secret, botOutput);
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
      await waitUntil(() => allAcked().filter(answered).length >= 20, 30_000, '20 answers before the fault');
      const oldMaster = await group.masterPort();
      const lostAt = Date.now();
      if (fault === 'crash') group.crash(oldMaster);
      else group.freeze(oldMaster, true);

      // The first answer to a message first tried after the fault: the bot works again.
      const answerAfterFault = () => {
        const times = allAcked().filter((m) => m.firstTriedAt > lostAt).flatMap((m) => m.citizen.repliesTo(m.id).map((r) => r.at));
        return times.length ? Math.min(...times) : undefined;
      };
      await waitUntil(() => answerAfterFault() !== undefined, 45_000, 'an answer to a message sent after the fault');
      const recoveredAt = answerAfterFault()!;
      // A few more seconds of traffic on the new master, then every acknowledged message must be answered.
      await new Promise((r) => setTimeout(r, 3_000));
      sending = false;
      await Promise.all(traffic);
      await waitUntil(() => allAcked().every(answered), 60_000, 'an answer to every acknowledged message').catch(() => undefined);

      const acked = allAcked();
      const lost = acked.filter((m) => !answered(m)).map((m) => m.clientActivityID);
      const twice = acked.filter((m) => m.citizen.repliesTo(m.id).length > 1).map((m) => ({ message: m.clientActivityID, replies: m.citizen.repliesTo(m.id).map((r) => r.id) }));
      const newMaster = await group.masterPort();
      console.log(JSON.stringify({
        sentinelFailover: {
          fault, acknowledged: acked.length,
          acknowledgedAfterFault: acked.filter((m) => m.firstTriedAt > lostAt).length,
          answered: acked.filter(answered).length,
          failedPostsRetried: citizens.reduce((n, c) => n + c.failedPosts, 0),
          longestAcknowledgementMs: Math.max(...acked.map((m) => m.ackedAt - m.firstTriedAt)),
          answersAgainAfterMs: recoveredAt - lostAt,
          lost: lost.length, answeredTwice: twice.length, oldMaster, newMaster,
        },
      }));
      expect(newMaster).not.toBe(oldMaster);
      expect(lost).toEqual([]);
      expect(twice).toEqual([]);
      expect(recoveredAt - lostAt).toBeLessThan(30_000);
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
