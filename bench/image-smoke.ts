// `npm run smoke:image`: the Dockerfile's build and start, outside a container (no container runtime on
// our machines or CI; issue 14 part 6). Reads the Dockerfile (bench/dockerfile.ts) and replays it:
//   context  `git archive HEAD` less what .dockerignore leaves out, in a clean temporary folder;
//   build    its COPY and RUN steps in a folder standing for /app, under the Node of its NODE_VERSION
//            (from the npm registry, as smoke:runtimes does); apt-get lines are skipped: this machine
//            already has python3, make and g++;
//   runtime  its COPY --from=build steps into a second, empty folder, its ENV, then its CMD with ROLE=all
//            against the local Redis on free ports; waits for /readyz, runs the HEALTHCHECK command, files
//            a complaint over Direct Line, sends SIGTERM and expects exit code 0 before the shutdown deadline.
// Not replayed: USER (this runs as whoever runs it), the mkdir/chown of /var/lib/citybot (DATA_DIR is a
// temporary folder), the base image itself. Prints each step's seconds; exits 1 on any failure. CI runs it.
//
// Options (environment): SMOKE_CACHE=.cache (where Node runtimes are kept), SMOKE_KEEP=1 (keep the
// folders), REDIS_URL.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../tests/support/redis';
import { argvOf, copyOf, envOf, parseDockerfile, type Stage } from './dockerfile';
import { fileComplaint } from './directline-complaint';
import { freePort, waitReady } from './spawn-bot';
import { npmCli, obtainNode, RuntimeDownloadError } from './node-runtime';

const root = resolve(import.meta.dirname, '..');
const CACHE = resolve(root, process.env.SMOKE_CACHE ?? '.cache');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 90_000;
/** The image's shutdown deadline (config default); the process must be gone this long after SIGTERM, plus a margin. */
const SHUTDOWN_TIMEOUT_MS = 25_000;

const run = promisify(execFile);
const seconds = (since: number) => ((performance.now() - since) / 1_000).toFixed(1);
const timings: string[] = [];
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  timings.push(`${name} ${seconds(t0)} s`);
  console.log(`# ${name}: ${seconds(t0)} s`);
  return result;
}

/** The build context: HEAD's files less the top-level entries .dockerignore names (the only patterns we use). */
async function context(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, '..', 'head.tar');
  await run('git', ['-C', root, 'archive', '--format=tar', '-o', archive, 'HEAD']);
  await run('tar', ['-xf', archive, '-C', dir]);
  rmSync(archive);
  const ignored = readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const pattern of ignored) {
    if (/[*?[]/.test(pattern)) continue; // globs (*.log, *.env) match nothing that is committed
    rmSync(join(dir, pattern), { recursive: true, force: true });
  }
}

/** Runs `command` in `cwd` (sh -c), its output into `log`; rejects with the log's tail when it fails. */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<void> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', fail);
    child.on('close', (code) => out.end(() => {
      if (code === 0) return done();
      const tail = readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
      fail(new Error(`RUN ${command} exited with ${code}; last lines of ${log}:\n${tail}`));
    }));
  });
}

/** Copies `from` (file or folder) to `to`, as COPY does (a folder's contents, into `to`); cp is much faster than cpSync on node_modules. */
async function copy(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`COPY: ${from} does not exist`);
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    await run('cp', ['-a', `${from}/.`, to]);
  } else {
    mkdirSync(dirname(to), { recursive: true });
    await run('cp', ['-a', from, to]);
  }
}

/** Replays the build stage in `app` from `ctx`. */
async function buildStage(stage: Stage, ctx: string, app: string, env: NodeJS.ProcessEnv, log: string): Promise<void> {
  mkdirSync(app, { recursive: true });
  for (const { op, args } of stage.instructions) {
    if (op === 'COPY') {
      const c = copyOf(args);
      if (c.from) throw new Error('COPY --from in the build stage: not replayed');
      for (const src of c.sources) await copy(src === '.' ? ctx : join(ctx, src), c.dest.endsWith('/') || c.sources.length > 1 ? join(app, src === '.' ? '' : src) : join(app, c.dest));
    } else if (op === 'RUN') {
      if (/^apt-get /.test(args)) continue;
      console.log(`# RUN ${args}`);
      await step(`RUN ${args}`, () => sh(args, app, env, log));
    } else if (op === 'ENV') {
      Object.assign(env, envOf(args));
    } else if (!['WORKDIR', 'ARG'].includes(op)) {
      throw new Error(`${op} in the build stage: not replayed`);
    }
  }
}

/** Lays out the runtime stage in `app` from the build stage's `/app`; returns its ENV and CMD and HEALTHCHECK. */
async function runtimeStage(stage: Stage, built: string, app: string): Promise<{ env: Record<string, string>; cmd: string[]; health: string[] }> {
  mkdirSync(app, { recursive: true });
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  let health: string[] = [];
  for (const { op, args } of stage.instructions) {
    if (op === 'COPY') {
      const c = copyOf(args);
      if (c.from !== 'build') throw new Error(`COPY not from the build stage in the runtime stage: ${args}`);
      // Folders are moved, not copied: the build stage is not used again, and deleting one node_modules tree
      // instead of two saves minutes on a busy machine.
      for (const src of c.sources) {
        const from = join(built, src.replace(/^\/app\/?/, ''));
        if (existsSync(from) && statSync(from).isDirectory() && !existsSync(join(app, c.dest))) renameSync(from, join(app, c.dest));
        else await copy(from, join(app, c.dest));
      }
    } else if (op === 'ENV') Object.assign(env, envOf(args));
    else if (op === 'CMD') cmd = argvOf(args);
    else if (op === 'HEALTHCHECK') health = argvOf(args.slice(args.indexOf('CMD ') + 4));
  }
  if (cmd.length === 0 || health.length === 0) throw new Error('the runtime stage has no CMD or no HEALTHCHECK');
  return { env, cmd, health };
}

/** SIGTERM; resolves with its exit code, or throws when it is still running after the deadline and a margin. */
async function terminate(bot: ChildProcess): Promise<number | string> {
  if (bot.exitCode !== null || bot.signalCode !== null) return bot.exitCode ?? bot.signalCode!;
  const exited = new Promise<void>((r) => bot.once('exit', () => r()));
  bot.kill('SIGTERM');
  const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), SHUTDOWN_TIMEOUT_MS + 5_000).unref())]);
  if (late) {
    bot.kill('SIGKILL');
    throw new Error(`still running ${SHUTDOWN_TIMEOUT_MS / 1_000 + 5} s after SIGTERM`);
  }
  return bot.exitCode ?? bot.signalCode!;
}

const work = mkdtempSync(join(tmpdir(), 'citybot-image-'));
const prefix = `image-smoke-${randomUUID().slice(0, 8)}`;
const t0 = performance.now();
let bot: ChildProcess | undefined;
let failed: string | undefined;
try {
  const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const build = dockerfile.stages.find((s) => s.name === 'build');
  const runtimeSpec = dockerfile.stages.at(-1);
  if (!build || !runtimeSpec || runtimeSpec === build) throw new Error('the Dockerfile needs a stage named build and a runtime stage after it');
  const nodeVersion = dockerfile.args.NODE_VERSION ?? '22';
  const runtime = await step(`node ${nodeVersion} from the npm registry`, () => obtainNode(nodeVersion, CACHE));
  // `node` and `npm` on PATH are that Node, as in the image; node-gyp builds against its headers.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec "${runtime.node}" "${await npmCli()}" "$@"\n`);
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec "${runtime.node}" "$@"\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  chmodSync(join(bin, 'node'), 0o755);
  const { HOME, TMPDIR, LANG, NODE_EXTRA_CA_CERTS } = process.env;
  const base: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries({ HOME, TMPDIR, LANG, NODE_EXTRA_CA_CERTS }).filter(([, v]) => v !== undefined)),
    PATH: `${bin}:${process.env.PATH ?? ''}`, npm_config_nodedir: runtime.nodedir, CI: 'true',
    // Packages CI's own `npm ci` just put in the npm cache are not asked of the registry again.
    npm_config_prefer_offline: 'true',
  };
  const ctx = join(work, 'context');
  await step('context (git archive HEAD, .dockerignore)', () => context(ctx));
  const built = join(work, 'build', 'app');
  await buildStage(build, ctx, built, { ...base }, join(work, 'build.log'));
  const app = join(work, 'runtime', 'app');
  const image = await step('runtime stage (COPY --from=build)', () => runtimeStage(runtimeSpec, built, app));

  const [port, metricsPort] = [await freePort(), await freePort()];
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const secret = randomUUID() + randomUUID();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...base, ...image.env, ROLE: 'all', HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: String(metricsPort), PUBLIC_URL: baseUrl,
    REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir, DIRECTLINE_SECRET: secret, LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const [cmd, ...cmdArgs] = image.cmd;
  bot = spawn(cmd!, cmdArgs, { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitReady(bot, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
  timings.push(`start to /readyz ${seconds(started)} s`);
  const [hc, ...hcArgs] = image.health;
  await run(hc!, hcArgs, { cwd: app, env }).catch((err: unknown) => {
    throw new Error(`the HEALTHCHECK command (${image.health.join(' ')}) failed on a ready bot`, { cause: err });
  });
  const reference = await step('complaint over Direct Line', () => fileComplaint(baseUrl, secret));
  console.log(`# filed ${reference}`);
  const ended = await step('SIGTERM to exit', () => terminate(bot!));
  if (ended !== 0) throw new Error(`the bot ended with ${ended} on SIGTERM instead of 0`);
} catch (err) {
  failed = err instanceof RuntimeDownloadError ? `REGISTRY: ${err.message}` : String((err as Error).stack ?? err);
} finally {
  if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await deleteKeysMatching(redis, `${prefix}*`).catch(() => undefined).finally(() => redis.disconnect());
  if (process.env.SMOKE_KEEP === '1') console.log(`kept ${work}`);
  // rm, not rmSync: two node_modules trees, which Node's recursive delete takes minutes over on a busy machine.
  else await run('rm', ['-rf', work]).catch(() => rmSync(work, { recursive: true, force: true }));
}
console.log(`# image smoke took ${seconds(t0)} s: ${timings.join(', ')}`);
if (failed) {
  console.error(`image smoke FAILED\n${failed}`);
  process.exit(1);
}
console.log('image smoke: built, started, healthy, answered, stopped with exit code 0');
