// `npm run bench:ladder`: web chat latency and CPU per message at a ladder of offered rates (open loop),
// one web and one worker process, to see where the time goes below saturation. Prints numbers; asserts nothing.
//   BENCH_RATES=20,100,300,500  BENCH_SECONDS=10  BENCH_CONVERSATIONS=200
//   BENCH_PROFILE=web|worker writes a V8 CPU profile of that process to ./data/prof.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../tests/support/redis';
import { closedLoop, openConversations, openLoop, percentile } from './directline-load';
import { cpuSeconds, redisCpuSeconds, spawnBot, stopBot } from './spawn-bot';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATES = (process.env.BENCH_RATES ?? '20,100,300,500').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const PORT = Number(process.env.BENCH_PORT ?? 39_880);

const dir = mkdtempSync(join(tmpdir(), 'citybot-ladder-'));
const prefix = `ladder-${randomUUID().slice(0, 8)}`;
const secret = randomUUID() + randomUUID();
const env = { REDIS_URL, REDIS_PREFIX: prefix, SQLITE_PATH: join(dir, 'bot.sqlite'), DATA_DIR: dir, DIRECTLINE_SECRET: secret, PUBLIC_URL: `http://127.0.0.1:${PORT}` };
const profile = (role: string) => (process.env.BENCH_PROFILE === role ? ['--cpu-prof', '--cpu-prof-dir=data/prof'] : []);
const redis = new Redis(REDIS_URL);
const procs: ChildProcess[] = [];
process.on('exit', () => { for (const p of procs) p.kill('SIGKILL'); });

try {
  procs.push(await spawnBot({ ...env, ROLE: 'web', PORT: String(PORT) }, `http://127.0.0.1:${PORT}/readyz`, profile('web')));
  procs.push(await spawnBot({ ...env, ROLE: 'worker', PORT: '0' }, undefined, profile('worker')));
  const latencies: number[] = [];
  const convs = await openConversations(`http://127.0.0.1:${PORT}/v3/directline`, secret, CONVERSATIONS, (ms) => latencies.push(ms));
  await closedLoop(convs, 3, latencies); // warm-up
  console.log('# offered msg/s: p50 / p90 / p99 ms; CPU ms per message: web, worker, redis-server, load generator');
  for (const rate of RATES) {
    const before = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpuSeconds(redis), client: process.cpuUsage() };
    const run = await openLoop(convs, rate, SECONDS, latencies);
    const client = process.cpuUsage(before.client);
    const after = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpuSeconds(redis) };
    latencies.sort((a, b) => a - b);
    const per = (seconds: number) => ((seconds * 1_000) / run.offered).toFixed(2);
    console.log(
      `${String(rate).padStart(5)}: ${[50, 90, 99].map((p) => percentile(latencies, p).toFixed(1)).join(' / ')} ms (${run.answered}/${run.offered});`,
      `CPU ${per(after.procs[0]! - before.procs[0]!)}, ${per(after.procs[1]! - before.procs[1]!)}, ${per(after.redis - before.redis)}, ${per((client.user + client.system) / 1e6)}`,
    );
  }
  for (const c of convs) c.close();
} finally {
  for (const p of procs.splice(0)) await stopBot(p);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
