import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logErrorEvents } from '../../bot/error-events';
import { createLogger, type Logger } from '../../bot/logger';
import { connectRedis } from '../../bot/redis';
import { ConversationStore } from '../../channels/webchat/conversation-store';
import { StreamHub } from '../../channels/webchat/stream-hub';
import { HandoffTimers } from '../../handoff/handoff-timers';
import { TeamQueues } from '../../handoff/team-queues';
import { TicketDelivery, type TicketDeliveryDeps } from '../../queues/ticket-delivery';
import { eventually, testPrefix } from '../support/redis';

interface LogLine { level: number; msg: string; connection?: string; suppressed?: number; err?: { message?: string } }

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine); done(); } });
  return { log: createLogger('warn', {}, sink), lines };
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** A redis-server of this test's own, on its own port, that the test may shut down and start again. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 10_000, 'redis-server to answer');
  return child;
}
function shutdownRedisServer(port: number): void {
  spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
}

describe('logErrorEvents', () => {
  it('logs the first error at once, then at most one line per 10 s saying how many it left out', () => {
    const { log, lines } = capturingLogger();
    let now = 1_000_000;
    const emitter = new EventEmitter();
    logErrorEvents(emitter, 'citybot-worker', log, { now: () => now });
    for (let i = 0; i < 5; i++) {
      emitter.emit('error', new Error(`connect ECONNREFUSED #${i}`));
      now += 1_000;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, connection: 'citybot-worker', err: { message: 'connect ECONNREFUSED #0' } });
    now += 5_000; // 10 s after the first line
    emitter.emit('error', new Error('connect ECONNREFUSED #5'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ connection: 'citybot-worker', suppressed: 4, err: { message: 'connect ECONNREFUSED #5' } });
  });
});

describe('Redis outage', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    vi.restoreAllMocks();
  });

  it('is reported as structured log lines naming each connection and queue, never as raw stderr dumps', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = await startRedisServer(port);
    cleanups.push(() => {
      shutdownRedisServer(port);
      server.kill('SIGKILL');
    });
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));

    const { log, lines } = capturingLogger();
    const prefix = testPrefix();
    const connections: Redis[] = ['citybot-test', 'citybot-test-bull', 'citybot-test-tickets', 'citybot-test-timers'].map((name) => connectRedis(url, name, log));
    const [redis, bull, tickets, timersConnection] = connections as [Redis, Redis, Redis, Redis];
    // Only its queue and worker are under test: no job runs, so the delivery dependencies are never called.
    const delivery = new TicketDelivery(bull, `${prefix}:bull`, { log } as TicketDeliveryDeps);
    await delivery.work(tickets, { concurrency: 1, pollSeconds: 0 });
    const teamQueues = new TeamQueues(bull, `${prefix}:bull`, log);
    await teamQueues.depth('aguas');
    const timers = new HandoffTimers(bull, `${prefix}:bull`, log);
    const timersWorker = await timers.work(timersConnection, { expire: async () => undefined, sweep: async () => undefined }, log);
    const hub = new StreamHub(redis, new ConversationStore(redis, prefix), log);
    await hub.join({ conversationId: 'c1', wake: () => undefined });

    shutdownRedisServer(port);
    const expected = [
      'citybot-test', 'citybot-test-bull', 'citybot-test-tickets', 'citybot-test-timers', 'webchat subscriber',
      'queue tickets', 'worker tickets', 'queue handoff-aguas', 'queue handoff-timers', 'worker handoff-timers',
    ];
    const logged = () => new Set(lines.filter((l) => l.msg === 'Redis connection or queue error').map((l) => l.connection));
    await eventually(() => expected.every((name) => logged().has(name)), 20_000, `error lines for ${expected.join(', ')}`);
    expect(printed.join('\n')).not.toMatch(/Unhandled error event|ECONNREFUSED/);

    // Redis comes back: everything reconnects and closes.
    server = await startRedisServer(port);
    await eventually(() => connections.every((c) => c.status === 'ready'), 20_000, 'the connections to be back');
    // Forced: BullMQ 6.7's graceful Worker.close() can wait forever for a blocking connection that a Redis
    // restart left reconnecting (taskforcesh/bullmq#4656); no job is in flight here.
    await timersWorker.close(true);
    await delivery.close(true);
    await timers.close();
    await teamQueues.close();
    await hub.close();
    for (const c of connections) await c.quit();
    expect(printed.join('\n')).not.toMatch(/Unhandled error event|ECONNREFUSED/);
  });
});
