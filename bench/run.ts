// `npm run bench`: end-to-end web chat load through the Direct Line API, bare BullMQ on the same Redis,
// the offline classifier, and the idle memory of one process. Prints numbers; asserts nothing.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadCatalog } from '../catalog/load-catalog';
import { benchBareBullmq } from './bare-bullmq';
import { benchClassifier } from './classifier';
import { benchDialogTurn } from './dialog-turn';
import { closedLoop, openConversations, openLoop, percentile } from './directline-load';
import { cpuSeconds, redisCpuSeconds, rssMb, spawnBot, stopBot } from './spawn-bot';
import { startTelegramLoad, telegramClosedLoop } from './telegram-load';
import { deleteKeysMatching } from '../tests/support/redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const PORT = Number(process.env.BENCH_PORT ?? 39_780);
const TELEGRAM_CHATS = Number(process.env.BENCH_TELEGRAM_CHATS ?? 300);

const out = (label: string, value: unknown) => console.log(`${label.padEnd(44)} ${typeof value === 'object' ? JSON.stringify(value) : value}`);
const dir = mkdtempSync(join(tmpdir(), 'citybot-bench-'));
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const secret = randomUUID() + randomUUID();
const env = { REDIS_URL, REDIS_PREFIX: prefix, SQLITE_PATH: join(dir, 'bot.sqlite'), DATA_DIR: dir, DIRECTLINE_SECRET: secret, PUBLIC_URL: `http://127.0.0.1:${PORT}` };

// BENCH_PROFILE=worker|web|telegram-worker|telegram-web writes a V8 CPU profile of that process to ./data/prof (to see where the time goes).
const profile = (role: string) => (process.env.BENCH_PROFILE === role ? ['--cpu-prof', '--cpu-prof-dir=data/prof'] : []);
const procs: ChildProcess[] = [];
// An error that escapes the try (a socket event) must not leave bot processes holding the ports.
process.on('exit', () => { for (const p of procs) p.kill('SIGKILL'); });
try {
  console.log(`# citizen-attention bot benchmark: ${CONVERSATIONS} conversations, ${WORKERS} worker process(es) + 1 web process, Redis ${REDIS_URL}`);
  // BENCH_WORKERS=0 runs one process with every role (the small-town layout).
  procs.push(await spawnBot({ ...env, ROLE: WORKERS === 0 ? 'all' : 'web', PORT: String(PORT) }, `http://127.0.0.1:${PORT}/readyz`, profile('web')));
  for (let i = 0; i < WORKERS; i++) procs.push(await spawnBot({ ...env, ROLE: 'worker', PORT: '0' }, undefined, profile('worker')));
  const latencies: number[] = [];
  const convs = await openConversations(`http://127.0.0.1:${PORT}/v3/directline`, secret, CONVERSATIONS, (ms) => latencies.push(ms));
  await closedLoop(convs, 3, latencies); // warm-up: JIT, connection pools, SQLite pages

  // Where the time goes: CPU used by each process during the sustained phase, per message.
  const redisInfo = new Redis(REDIS_URL);
  const redisCpu = () => redisCpuSeconds(redisInfo);
  const cpuBefore = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpu(), client: process.cpuUsage() };
  const sustained = await closedLoop(convs, SECONDS, latencies);
  const cpuAfter = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpu(), client: process.cpuUsage(cpuBefore.client) };
  latencies.sort((a, b) => a - b);
  out('end-to-end sustained messages/s', sustained.messagesPerSecond);
  out('  latency under saturation p50/p99 ms', `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`);
  const perMsg = (seconds: number) => ((seconds * 1_000) / sustained.messages).toFixed(3);
  out(`  CPU ms per message: ${WORKERS === 0 ? 'the one process' : 'web process'}`, perMsg(cpuAfter.procs[0]! - cpuBefore.procs[0]!));
  procs.slice(1).forEach((_, i) => out(`  CPU ms per message: worker process ${i + 1}`, perMsg(cpuAfter.procs[i + 1]! - cpuBefore.procs[i + 1]!)));
  out('  CPU ms per message: redis-server', perMsg(cpuAfter.redis - cpuBefore.redis));
  out('  CPU ms per message: load generator', perMsg((cpuAfter.client.user + cpuAfter.client.system) / 1e6));

  const offered = await openLoop(convs, RATE, SECONDS, latencies);
  latencies.sort((a, b) => a - b);
  out(`at ${RATE} msg/s offered: p50/p99 ms`, `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} (${offered.answered}/${offered.offered} answered)`);
  for (const c of convs) c.close();
  for (const p of procs.splice(0)) await stopBot(p);

  // Telegram through telegram-test-api: the same bot processes, polling the emulator over HTTP.
  const tg = await startTelegramLoad();
  try {
    const tgEnv = { ...env, REDIS_PREFIX: `${prefix}-tg`, TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.emulator.apiRoot, TELEGRAM_RATE_LIMIT: '1000' };
    procs.push(await spawnBot({ ...tgEnv, ROLE: 'web', PORT: String(PORT + 2) }, `http://127.0.0.1:${PORT + 2}/readyz`, profile('telegram-web')));
    procs.push(await spawnBot({ ...tgEnv, ROLE: 'worker', PORT: '0' }, undefined, profile('telegram-worker')));
    await telegramClosedLoop(tg, 20, 3); // warm-up
    const before = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpu(), client: process.cpuUsage() };
    const t = await telegramClosedLoop(tg, TELEGRAM_CHATS, SECONDS);
    const after = { procs: await Promise.all(procs.map((p) => cpuSeconds(p.pid!))), redis: await redisCpu(), client: process.cpuUsage(before.client) };
    const per = (seconds: number) => ((seconds * 1_000) / t.messages).toFixed(3);
    out(`telegram: ${TELEGRAM_CHATS} chats, 1.1 s think time, messages/s`, t.messagesPerSecond);
    out('  telegram latency p50/p99 ms', `${t.p50.toFixed(1)} / ${t.p99.toFixed(1)}`);
    out('  telegram CPU ms per message: web / worker', `${per(after.procs[0]! - before.procs[0]!)} / ${per(after.procs[1]! - before.procs[1]!)}`);
    out('  telegram CPU ms per message: redis-server', per(after.redis - before.redis));
    out('  telegram CPU ms per message: emulator + load', per((after.client.user + after.client.system) / 1e6));
  } finally {
    for (const p of procs.splice(0)) await stopBot(p);
    await tg.stop();
  }
  redisInfo.disconnect();

  const bare = await benchBareBullmq(REDIS_URL, `${prefix}-bare`);
  out('bare BullMQ add+process jobs/s (median of 3)', `${bare.jobsPerSecond} (runs ${bare.runs.join(', ')})`);
  out('ratio end-to-end / bare BullMQ', (sustained.messagesPerSecond / bare.jobsPerSecond).toFixed(3));

  const cls = await benchClassifier(loadCatalog('config/catalog.yaml'));
  out('offline classifier classifications/s', Math.round(cls.perSecond));
  out('offline classifier training ms', Math.round(cls.trainMs));
  // What share of the worker's CPU per message is the dialog turn itself (the rest is queue, Redis, SQL, delivery).
  const turn = await benchDialogTurn(loadCatalog('config/catalog.yaml'));
  out('dialog turn alone (in memory) CPU µs per turn', Math.round(turn.cpuMicrosPerTurn));

  const idle = await spawnBot({ ...env, ROLE: 'all', PORT: String(PORT + 1) }, `http://127.0.0.1:${PORT + 1}/readyz`);
  procs.push(idle);
  await new Promise((r) => setTimeout(r, 5_000));
  out('idle process resident memory MB (role all)', await rssMb(idle.pid!));
} finally {
  for (const p of procs) await stopBot(p);
  const redis = new Redis(REDIS_URL);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
