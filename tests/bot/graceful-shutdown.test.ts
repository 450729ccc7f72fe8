import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/bot-processes';
import { eventually, testPrefix } from '../support/redis';

/*
 * SIGTERM (Kubernetes, Docker, systemd) on a real `bot/main.ts` (issue 14 part 6): a graceful stop exits
 * 0; one that cannot finish (a frozen Redis never answers) exits 1 at SHUTDOWN_TIMEOUT_MS instead of
 * hanging until the supervisor's SIGKILL.
 */

interface LogLine { level: number; msg: string; signal?: string; timeoutMs?: number }

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

/** The bot with `env`, its JSON log lines as they arrive, and its exit code once it exits. */
function startBot(env: Record<string, string>): { proc: ChildProcess; lines: LogLine[]; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', DATA_DIR: dir, REDIS_PREFIX: testPrefix(), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => void proc.kill('SIGKILL'));
  const lines: LogLine[] = [];
  let pending = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}

const started = (lines: LogLine[]) => () => lines.some((l) => l.msg === 'started');

describe('stopping on SIGTERM', () => {
  it('a whole bot (ROLE=all) that was serving stops gracefully and exits 0', async () => {
    const port = await freePort();
    const bot = startBot({ ROLE: 'all', PORT: String(port) });
    await eventually(started(bot.lines), 60_000, 'the bot to start');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    const msgs = bot.lines.map((l) => l.msg);
    expect(msgs.indexOf('shutting down')).toBeGreaterThan(msgs.indexOf('started'));
    expect(msgs.indexOf('stopped')).toBeGreaterThan(msgs.indexOf('shutting down'));
    expect(bot.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM', timeoutMs: 25_000 });
  }, 120_000);

  it('a shutdown that cannot finish (its Redis frozen) exits 1 at SHUTDOWN_TIMEOUT_MS, saying why', async () => {
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    cleanups.push(() => {
      redis.kill('SIGCONT');
      spawnSync('redis-cli', ['-p', String(redisPort), 'shutdown', 'nosave'], { stdio: 'ignore' });
      redis.kill('SIGKILL');
    });
    await eventually(() => spawnSync('redis-cli', ['-p', String(redisPort), 'ping']).stdout?.toString().trim() === 'PONG', 10_000, 'redis-server');
    const bot = startBot({ ROLE: 'worker', REDIS_URL: `redis://127.0.0.1:${redisPort}`, SHUTDOWN_TIMEOUT_MS: '1000' });
    await eventually(started(bot.lines), 60_000, 'the worker to start');

    // Frozen, not gone: no connection closes, nothing answers (as a Redis machine that lost power).
    redis.kill('SIGSTOP');
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(1);
    const late = bot.lines.find((l) => l.msg === 'shutdown did not finish in time: exiting');
    expect(late).toMatchObject({ level: 50, signal: 'SIGTERM', timeoutMs: 1_000 });
    expect(bot.lines.some((l) => l.msg === 'stopped')).toBe(false);
  }, 120_000);
});
