// `npm run smoke:runtimes`: the bot on every Node we support, end to end (issue 14 part 9). For each
// version in SMOKE_NODE_VERSIONS (default 22,24): fetch that Node from the npm registry, install a clean
// clone of HEAD with it (`npm ci`, which rebuilds better-sqlite3 for its ABI), start `bot/main.ts` with
// it, file a complaint over Direct Line, stop, drop its Redis keys. Prints node version, install and
// start seconds and the reference per version; exits 1 on any failure. CI runs it (.ci/run).
//
// It lives in bench/ because, like the other scripts here, it spawns the real bot and prints what it
// measured (and bench/ is type-checked); unlike them it also fails, which is what CI needs.
//
// Options (environment): SMOKE_NODE_VERSIONS=22,24 (majors or exact versions), SMOKE_CACHE=.cache
// (where the runtimes are kept), SMOKE_VITEST=tests/dialogs (also run these tests under each Node and
// print vitest's summary), SMOKE_KEEP=1 (keep the temporary clones), REDIS_URL.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../tests/support/redis';
import { fileComplaint } from './directline-complaint';
import { freePort, waitReady } from './spawn-bot';
import { npmCli, obtainNode, pathWith, RuntimeDownloadError, type NodeRuntime } from './node-runtime';

const root = resolve(import.meta.dirname, '..');
const VERSIONS = (process.env.SMOKE_NODE_VERSIONS ?? '22,24').split(',').map((v) => v.trim()).filter(Boolean);
const CACHE = resolve(root, process.env.SMOKE_CACHE ?? '.cache');
const VITEST = process.env.SMOKE_VITEST;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 60_000;

const run = promisify(execFile);
const seconds = (since: number) => ((performance.now() - since) / 1_000).toFixed(1);

interface Result { spec: string; version?: string; install?: string; start?: string; reference?: string; tests?: string; error?: string }

/** The environment for child processes, without what `npm run` exported for the Node running this script. */
function cleanEnv(runtime: NodeRuntime): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, PATH: pathWith(runtime.node), CI: 'true' };
}

/** A copy of the project as committed (HEAD), or of the working tree without its installs when it is no git checkout. */
async function cleanCopy(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'citybot-runtime-')), 'app');
  if (existsSync(join(root, '.git'))) {
    await run('git', ['clone', '--quiet', root, dir]);
  } else {
    const skip = new Set(['node_modules', '.cache', 'data', '.git'].map((d) => join(root, d)));
    cpSync(root, dir, { recursive: true, filter: (src) => !skip.has(src) });
  }
  return dir;
}

/** Runs a command in `cwd`, its output into `log`; rejects with the log's tail when it fails. */
function runLogged(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<void> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', fail);
    child.on('close', (code) => out.end(() => {
      if (code === 0) return done();
      const tail = readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
      fail(new Error(`${args.slice(0, 2).join(' ')} exited with ${code}; last lines of ${log}:\n${tail}`));
    }));
  });
}

/** SIGTERM, as a deployment stops it; resolves with how it ended (`0` after a clean shutdown). */
async function stop(bot: ChildProcess): Promise<string> {
  if (bot.exitCode === null && bot.signalCode === null) {
    const exited = new Promise((r) => bot.once('exit', r));
    bot.kill('SIGTERM');
    const timer = setTimeout(() => bot.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  return String(bot.exitCode ?? bot.signalCode);
}

/** Starts the bot from `app` under `runtime`, files a complaint, stops it and removes its keys and files. */
async function startAndFile(runtime: NodeRuntime, app: string, result: Result): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'citybot-runtime-data-'));
  const prefix = `smoke-${randomUUID().slice(0, 8)}`;
  const secret = randomUUID() + randomUUID();
  const base = `http://127.0.0.1:${port}`;
  const { HOME, TMPDIR, LANG, NODE_EXTRA_CA_CERTS } = process.env;
  const env = {
    ...Object.fromEntries(Object.entries({ HOME, TMPDIR, LANG, NODE_EXTRA_CA_CERTS }).filter(([, v]) => v !== undefined)),
    PATH: pathWith(runtime.node), NODE_ENV: 'production', ROLE: 'all', HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0', PUBLIC_URL: base,
    REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, SQLITE_PATH: join(dataDir, 'bot.sqlite'), DIRECTLINE_SECRET: secret, LOG_LEVEL: 'warn',
  };
  const t0 = performance.now();
  const bot = spawn(runtime.node, ['--import', 'tsx', 'bot/main.ts'], { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await waitReady(bot, `${base}/readyz`, READY_TIMEOUT_MS);
    result.start = seconds(t0);
    result.reference = await fileComplaint(base, secret);
    const ended = await stop(bot);
    if (ended !== '0') throw new Error(`the bot ended with ${ended} on SIGTERM instead of exiting cleanly`);
  } finally {
    await stop(bot);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await deleteKeysMatching(redis, `${prefix}*`).finally(() => redis.disconnect());
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs SMOKE_VITEST under `runtime` in `app`; resolves with vitest's "Tests  N passed (M)" figures, prefixed FAILED when they failed. */
async function runTests(runtime: NodeRuntime, app: string, env: NodeJS.ProcessEnv): Promise<string> {
  const log = join(app, '..', 'vitest.log');
  const failed = await runLogged(runtime.node, ['node_modules/vitest/vitest.mjs', 'run', ...VITEST!.split(' ')], app, env, log).then(
    () => undefined,
    (err: Error) => err.message,
  );
  const summary = /^\s*Tests\s+(.+)$/m.exec(readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim() ?? 'no summary';
  return failed ? `FAILED: ${summary}\n${failed}` : summary;
}

interface Prepared { runtime: NodeRuntime; app: string; env: NodeJS.ProcessEnv }

/** Fetches the runtime, clones the project and installs it under that Node. */
async function prepare(result: Result, npm: string, clones: string[]): Promise<Prepared> {
  const runtime = await obtainNode(result.spec, CACHE);
  result.version = (await run(runtime.node, ['--version'])).stdout.trim();
  const app = await cleanCopy();
  clones.push(app);
  const env = cleanEnv(runtime);
  const t0 = performance.now();
  // --prefer-offline: the packages CI's own `npm ci` just put in the npm cache are not fetched again.
  await runLogged(runtime.node, [npm, 'ci', '--prefer-offline', '--no-audit', '--no-fund', `--nodedir=${runtime.nodedir}`], app, env, join(app, '..', 'npm-ci.log'));
  result.install = seconds(t0);
  return { runtime, app, env };
}

/** npm's own network errors (not a failing install script): the registry, not the project, failed. */
const NETWORK = /npm error (code (ETIMEDOUT|ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|E429|E5\d\d)|network)/;

/** What went wrong; `REGISTRY:` first when the registry failed, so CI can say it was no fault of the code. */
function failure(err: unknown): string {
  if (err instanceof RuntimeDownloadError) return `REGISTRY: ${err.message}`;
  const text = String((err as Error).stack ?? err);
  return NETWORK.test(text) ? `REGISTRY: ${text}` : text;
}

const npm = await npmCli();
const clones: string[] = [];
const results: Result[] = VERSIONS.map((spec) => ({ spec }));
console.log(`# runtime smoke: Node ${VERSIONS.join(', ')} (runtimes cached in ${CACHE})`);
const t0 = performance.now();
try {
  // Installs side by side (compiling better-sqlite3 is most of the time, on one core each); the bots
  // one after the other, so that start seconds are not slowed by another install.
  const prepared = await Promise.all(results.map((r) => prepare(r, npm, clones).catch((err: unknown) => void (r.error = failure(err)))));
  for (const [i, r] of results.entries()) {
    const p = prepared[i];
    if (!p) continue;
    try {
      await startAndFile(p.runtime, p.app, r);
      if (VITEST) r.tests = await runTests(p.runtime, p.app, p.env);
    } catch (err) {
      r.error = failure(err);
    }
  }
} finally {
  for (const app of clones) {
    if (process.env.SMOKE_KEEP === '1') console.log(`kept ${app}`);
    else rmSync(join(app, '..'), { recursive: true, force: true });
  }
}
for (const r of results) {
  console.log(r.error
    ? `node ${r.spec}: FAILED${r.version ? ` (${r.version})` : ''}\n${r.error}`
    : `node ${r.version}: install ${r.install} s, start ${r.start} s, filed ${r.reference}${r.tests ? `; tests ${r.tests}` : ''}`);
}
console.log(`# runtime smoke took ${seconds(t0)} s`);
const failed = results.filter((r) => r.error || r.tests?.startsWith('FAILED'));
if (failed.length > 0) {
  console.error(`runtime smoke FAILED on Node ${failed.map((r) => r.spec).join(', ')}`);
  process.exit(1);
}
