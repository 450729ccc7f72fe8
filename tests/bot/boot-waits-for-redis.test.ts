import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/redis';

const ROOT = resolve(import.meta.dirname, '../..');
interface LogLine { level: number; msg: string; attempt?: number; connection?: string; module?: string }

const freePort = () => new Promise<number>((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => done(port));
  });
});

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

/** `bot/main.ts` as a worker whose Redis is `port`, with its JSON log lines and its stderr as they arrive. */
function startWorker(port: number): { worker: ChildProcess; lines: LogLine[]; raw: string[]; stderr: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'boot-redis-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const worker: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ROLE: 'worker', LOG_LEVEL: 'info', DATA_DIR: dir, SQLITE_PATH: join(dir, 'bot.sqlite'), REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 't-boot-redis' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => void worker.kill('SIGKILL'));
  const lines: LogLine[] = [];
  const raw: string[] = [];
  let pending = '';
  worker.stdout!.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine);
    else if (p.trim()) raw.push(p);
  });
  let stderr = '';
  worker.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return { worker, lines, raw, stderr: () => stderr };
}

describe('a worker that boots while Redis is down', () => {
  it('keeps trying (a warn line per try), starts once Redis answers, and reports a later outage as structured lines only', async () => {
    const port = await freePort();
    const { worker, lines, raw, stderr } = startWorker(port);
    const tries = () => lines.filter((l) => l.msg === 'Redis does not answer: trying again');

    await eventually(() => tries().length >= 2 || worker.exitCode !== null, 30_000, 'two tries');
    expect(worker.exitCode).toBeNull();
    expect(tries().every((l) => l.level === 40)).toBe(true);

    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    cleanups.push(() => {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
      server.kill('SIGKILL');
    });
    await eventually(() => lines.some((l) => l.msg === 'started') || worker.exitCode !== null, 60_000, 'the worker to start');
    expect(worker.exitCode).toBeNull();
    expect(lines.some((l) => l.msg === 'Redis answers')).toBe(true);

    // Redis goes away under a running worker: structured lines, no raw ioredis/BullMQ dumps.
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
    await eventually(() => lines.some((l) => l.msg === 'Redis connection or queue error' && l.connection === 'citybot-worker'), 20_000, 'a structured error line');
    // The reply queues too, under the app's own logger (module queues/outbound), not a fallback.
    await eventually(() => lines.some((l) => l.msg === 'Redis connection or queue error' && /outbound-/.test(l.connection ?? '') && l.module === 'queues/outbound'), 20_000, 'an outbound queue line');
    expect(stderr()).not.toContain('Unhandled error event');
    expect(stderr()).not.toContain('ECONNREFUSED');
    expect(raw).toEqual([]);
    expect(worker.exitCode).toBeNull();
  });

  it('stops waiting on SIGTERM, with exit code 0', async () => {
    const { worker, lines } = startWorker(await freePort());
    await eventually(() => lines.some((l) => l.msg === 'Redis does not answer: trying again') || worker.exitCode !== null, 30_000, 'a try');
    expect(worker.exitCode).toBeNull();
    const exited = new Promise<number | null>((done) => worker.once('exit', done));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
