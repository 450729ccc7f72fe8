import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../bot/logger';
import { connectRedis } from '../../bot/redis';
import { createInboundQueue } from '../../queues/inbound';
import { eventually, testPrefix } from '../support/redis';

/*
 * Issue 12 part 1 for the ordered queues: a Redis outage shows as one structured line per BullMQ queue and
 * worker per 10 s ("queue inbound", "worker inbound"), never as BullMQ's raw error dumps on stderr.
 */

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 10_000, 'redis-server to answer');
  return child;
}
const shutdownRedisServer = (port: number) => void spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

describe('OrderedQueue during a Redis outage', () => {
  it('logs its queue and worker errors as structured lines, nothing raw on stderr', async () => {
    const port = await freePort();
    let server = await startRedisServer(port);
    cleanups.push(() => { shutdownRedisServer(port); server.kill('SIGKILL'); });
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    const lines: Array<{ msg: string; connection?: string }> = [];
    const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as { msg: string }); done(); } });
    const log = createLogger('warn', {}, sink);
    const url = `redis://127.0.0.1:${port}`;
    const connections: Redis[] = ['t-cmd', 't-bull', 't-worker'].map((name) => connectRedis(url, name, log));
    const [redis, bull, worker] = connections as [Redis, Redis, Redis];
    const inbound = createInboundQueue(redis, testPrefix(), bull, log);
    const drainer = inbound.work(worker, { concurrency: 1, log, handle: async () => undefined });
    await inbound.queue.getJobCounts('waiting');
    await drainer.waitUntilReady();

    shutdownRedisServer(port);
    const logged = () => new Set(lines.filter((l) => l.msg === 'Redis connection or queue error').map((l) => l.connection));
    await eventually(() => logged().has('queue inbound') && logged().has('worker inbound'), 20_000, 'error lines for the inbound queue and worker');
    expect(printed.join('\n')).not.toMatch(/Unhandled error event|ECONNREFUSED/);

    server = await startRedisServer(port);
    await eventually(() => connections.every((c) => c.status === 'ready'), 20_000, 'the connections to be back');
    // Forced: BullMQ 6.7's graceful Worker.close() can wait forever after a Redis restart (taskforcesh/bullmq#4656).
    await drainer.close(true);
    await inbound.close();
    for (const c of connections) await c.quit();
  });
});
