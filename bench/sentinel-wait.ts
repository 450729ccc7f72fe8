// `npx tsx bench/sentinel-wait.ts`: what the inbound queue's WAIT for a replica costs with Redis Sentinel
// (issue 14 part 8). On a real group (master, 2 replicas, 3 sentinels, all local):
//   1. push: the inbound queue's push alone, WAIT off vs on, one at a time (latency) and 200 in flight
//      (throughput), plus how many WAITs the batching issued per push;
//   2. end to end: the whole bot (ROLE=all) under a closed web chat loop, once pointed at the master by
//      REDIS_URL (no WAIT) and once through REDIS_SENTINELS (WAIT), same servers.
// Prints numbers; asserts nothing. BENCH_SECONDS (10), BENCH_CONVERSATIONS (50), BENCH_ROUNDS (2).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig } from '../bot/config';
import { createLogger } from '../bot/logger';
import { connectRedis, redisTargetOf } from '../bot/redis';
import { OrderedQueue } from '../queues/ordered-queue';
import { freePort, startSentinelGroup } from '../tests/support/redis-sentinel-group';
import { closedLoop, openConversations, percentile } from './directline-load';
import { spawnBot, stopBot } from './spawn-bot';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const log = createLogger('warn', { module: 'bench/sentinel-wait' });
const out = (label: string, value: unknown) => console.log(`${label.padEnd(52)} ${typeof value === 'object' ? JSON.stringify(value) : value}`);

const group = await startSentinelGroup();
process.on('exit', () => group.stop());
const target = redisTargetOf(loadConfig({ REDIS_SENTINELS: group.sentinelList, REDIS_MASTER_NAME: group.name }));
console.log(`# WAIT for a replica on the inbound path: Sentinel group master ${group.serverPorts[0]}, replicas ${group.serverPorts.slice(1).join(', ')}; ${ROUNDS} rounds, WAIT off and on alternating`);

async function waitCalls(redis: Redis): Promise<number> {
  return Number(/cmdstat_wait:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
}

/** `n` pushes to distinct conversations, `inFlight` at a time; latency of each in µs. */
async function pushes(wait: boolean, n: number, inFlight: number): Promise<{ perSecond: number; p50: number; p99: number; waitsPerPush: number }> {
  const redis = connectRedis(target, 'bench-cmd', log, true);
  const bull = connectRedis(target, 'bench-bull', log);
  const prefix = `bench-sw-${randomUUID().slice(0, 8)}`;
  const queue = new OrderedQueue<{ n: number }>(redis, { name: 'inbound', prefix, bullConnection: bull, log, ...(wait ? { replicas: { replicas: 1 } } : {}) });
  await redis.ping();
  const latencies: number[] = [];
  const waitsBefore = await waitCalls(redis);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      await queue.push(`webchat|c${i % 500}`, { n: i }, `webchat|m${i}`);
      latencies.push((performance.now() - t0) * 1_000);
    }
  }));
  const elapsed = (performance.now() - started) / 1_000;
  const waits = (await waitCalls(redis)) - waitsBefore;
  await queue.queue.obliterate({ force: true });
  await queue.close();
  let cursor = '0';
  do {
    const [c, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = c;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await bull.quit();
  await redis.quit();
  latencies.sort((a, b) => a - b);
  return { perSecond: Math.round(n / elapsed), p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), waitsPerPush: Number((waits / n).toFixed(3)) };
}

async function endToEnd(env: Record<string, string>): Promise<{ messagesPerSecond: number; p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sw-'));
  const port = await freePort();
  const secret = randomUUID() + randomUUID();
  const bot = await spawnBot({
    ...env, ROLE: 'all', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, REDIS_PREFIX: `bench-sw-${randomUUID().slice(0, 8)}`,
    DATA_DIR: dir, SQLITE_PATH: join(dir, 'bot.sqlite'), DIRECTLINE_SECRET: secret, TOKEN_RATE_LIMIT: '100000',
  }, `http://127.0.0.1:${port}/readyz`);
  try {
    const latencies: number[] = [];
    const convs = await openConversations(`http://127.0.0.1:${port}/v3/directline`, secret, CONVERSATIONS, (ms) => latencies.push(ms));
    await closedLoop(convs, 2, latencies); // warm-up
    const r = await closedLoop(convs, SECONDS, latencies);
    for (const c of convs) c.close();
    latencies.sort((a, b) => a - b);
    return { messagesPerSecond: r.messagesPerSecond, p50: Number(percentile(latencies, 50).toFixed(1)), p99: Number(percentile(latencies, 99).toFixed(1)) };
  } finally {
    await stopBot(bot);
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const wait of [false, true]) {
      out(`push, 1 in flight, WAIT ${wait ? 'on ' : 'off'} (round ${round})`, await pushes(wait, 2_000, 1));
      out(`push, 200 in flight, WAIT ${wait ? 'on ' : 'off'} (round ${round})`, await pushes(wait, 20_000, 200));
    }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    out(`bot, ${CONVERSATIONS} conv., REDIS_URL (no WAIT) (round ${round})`, await endToEnd({ REDIS_URL: `redis://127.0.0.1:${group.serverPorts[0]}` }));
    out(`bot, ${CONVERSATIONS} conv., REDIS_SENTINELS (WAIT) (round ${round})`, await endToEnd({ REDIS_SENTINELS: group.sentinelList, REDIS_MASTER_NAME: group.name }));
  }
} finally {
  group.stop();
}
