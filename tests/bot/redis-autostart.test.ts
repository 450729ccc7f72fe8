import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { DependencyUnavailableError } from '../../bot/errors';
import { createLogger } from '../../bot/logger';
import { ensureRedis } from '../../bot/redis';
import { eventually } from '../support/redis';

const log = pino({ level: 'silent' });
const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('ensureRedis', () => {
  it('uses a Redis that answers', async () => {
    const r = await ensureRedis(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }), log);
    expect(r.child).toBeUndefined();
  });

  it('starts redis-server with its data in DATA_DIR/redis when REDIS_URL is not set and none answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybot-redis-'));
    const port = await freePort();
    const r = await ensureRedis(loadConfig({ DATA_DIR: dir }), log, `redis://127.0.0.1:${port}`);
    cleanups.push(() => { r.child?.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
    expect(r.child).toBeDefined();
    const client = new Redis(r.url);
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'dir')).toEqual(['dir', join(dir, 'redis')]);
    client.disconnect();
    expect(existsSync(join(dir, 'redis'))).toBe(true);
  });

  it('waits for an explicit REDIS_URL that does not answer, logging each try at warn with how to start Redis, until one answers there', async () => {
    const port = await freePort();
    const lines: Array<{ level: number; msg: string; attempt?: number; hint?: string }> = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]); done(); } });
    const waiting = ensureRedis(loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }), createLogger('info', {}, sink), undefined, { baseMs: 20, maxMs: 100 });
    let settled = false;
    void waiting.finally(() => (settled = true));
    await eventually(() => lines.filter((l) => l.msg === 'Redis does not answer: trying again').length >= 3, 10_000, 'three tries');
    expect(settled).toBe(false);
    const tries = lines.filter((l) => l.msg === 'Redis does not answer: trying again');
    expect(tries.every((l) => l.level === 40)).toBe(true);
    expect(tries.map((l) => l.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    expect(tries[0]?.hint).toMatch(/redis-server/);
    expect(tries[0]?.hint).toMatch(/REDIS_URL/);

    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    cleanups.push(() => server.kill('SIGKILL'));
    const r = await waiting;
    expect(r).toEqual({ url: `redis://127.0.0.1:${port}` });
    expect(lines.at(-1)?.msg).toBe('Redis answers');
  });

  it('stops waiting when its signal is aborted', async () => {
    const port = await freePort();
    const stop = new AbortController();
    const waiting = ensureRedis(loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }), log, undefined, { baseMs: 20, maxMs: 100, signal: stop.signal });
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
