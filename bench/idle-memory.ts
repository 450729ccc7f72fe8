// `npm run bench:idle-memory`: the idle resident memory of one bot process per role, the measurement of
// `npm run bench` (RSS from /proc a few seconds after the process is up) without the load phases.
// BENCH_IDLE_RUNTIME=dist (default: `node dist/bot/main.js`, run `npm run build` first) or tsx
// (`node --import tsx bot/main.ts`, as in development); BENCH_IDLE_ROLES=all,web,worker;
// BENCH_IDLE_SETTLE_MS=5000 (as `npm run bench`); BENCH_IDLE_NODE_ARGS='--max-semi-space-size=4' (V8 flags to
// try, space-separated). Prints numbers; asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../tests/support/redis';
import { rssMb, stopBot } from './spawn-bot';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNTIME = process.env.BENCH_IDLE_RUNTIME ?? 'dist';
const ROLES = (process.env.BENCH_IDLE_ROLES ?? 'all,web,worker').split(',').map((r) => r.trim()).filter(Boolean);
const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 5_000);
const NODE_ARGS = (process.env.BENCH_IDLE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const ENTRY: Record<string, string[]> = { dist: ['dist/bot/main.js'], tsx: ['--import', 'tsx', 'bot/main.ts'] };

const entry = ENTRY[RUNTIME];
if (!entry) throw new Error(`BENCH_IDLE_RUNTIME must be dist or tsx, not "${RUNTIME}"`);
if (RUNTIME === 'dist' && !existsSync('dist/bot/main.js')) throw new Error('no dist/bot/main.js: run `npm run build` first');

/** Starts the bot with `role` and resolves once it logs "started" (every role does; a worker has no /readyz). */
async function startIdle(role: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, ...entry!], {
    env: { ...process.env, ...env, ROLE: role, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${role} exited with code ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('"msg":"started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** Resident memory of the processes `pid` started (tsx's and esbuild's helpers), in MB. */
function childrenRssMb(pid: number): number {
  let total = 0;
  for (const task of safeList(`/proc/${pid}/task`)) {
    for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child}/status`, 'utf8'))?.[1] ?? 0);
      total += kb / 1024 + childrenRssMb(Number(child));
    }
  }
  return Math.round(total * 10) / 10;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const dir = mkdtempSync(join(tmpdir(), 'citybot-idle-'));
const prefix = `bench-idle-${randomUUID().slice(0, 8)}`;
const env = { REDIS_URL, REDIS_PREFIX: prefix, SQLITE_PATH: join(dir, 'bot.sqlite'), DATA_DIR: dir };
console.log(`# idle resident memory, ${RUNTIME} runtime${NODE_ARGS.length ? ` (${NODE_ARGS.join(' ')})` : ''}, ${SETTLE_MS} ms after start`);
try {
  for (const role of ROLES) {
    const child = await startIdle(role, env);
    try {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const own = await rssMb(child.pid!);
      console.log(`${`idle resident memory MB (role ${role})`.padEnd(44)} ${own}   (+ ${childrenRssMb(child.pid!)} in child processes)`);
    } finally {
      await stopBot(child);
    }
  }
} finally {
  const redis = new Redis(REDIS_URL);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
