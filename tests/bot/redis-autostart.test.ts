import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { DependencyUnavailableError } from '../../bot/errors';
import { ensureRedis } from '../../bot/redis';

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

  it('explains how to start Redis when an explicit REDIS_URL does not answer', async () => {
    const port = await freePort();
    const err = await ensureRedis(loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }), log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toMatch(/redis-server/);
    expect((err as Error).message).toMatch(/REDIS_URL/);
  });
});
