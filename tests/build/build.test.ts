import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/bot-processes';
import { waitFor } from '../e2e/support';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

/*
 * `npm run build` and what production runs: `node dist/bot/main.js`, with no TypeScript compiler or bundler.
 * Built into a folder inside the project (packages resolve from its node_modules, as from dist/), started
 * under tests/build/dev-dependency-guard.mjs, which fails any import of a devDependency.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const GUARD = join(ROOT, 'tests/build/dev-dependency-guard.mjs');
const DEV_ONLY = /\b(?:from|import|require)\s*\(?\s*["'](tsx|esbuild|typescript)(?:\/[^"']*)?["']/;

let out: string;
let dataDir: string;
const prefix = testPrefix();
const redis = redisClient();

beforeAll(() => {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  out = mkdtempSync(join(ROOT, '.cache', 'build-test-'));
  dataDir = mkdtempSync(join(out, 'data-'));
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'build.ts', out], { cwd: ROOT, encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
}, 120_000);

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

/** `node <out>/<entry>` as production starts it, under the guard, in a fresh working folder. */
function startBuilt(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', GUARD, join(out, entry)], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'production', METRICS_PORT: '0', LOG_LEVEL: 'error', HOST: '127.0.0.1', REDIS_PREFIX: prefix, DATA_DIR: dataDir,
      SQLITE_PATH: join(dataDir, 'bot.sqlite'), ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function readyOn(child: ChildProcess, port: number): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = () => fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
  const outcome = await waitFor(async () => (child.exitCode !== null ? 'exited' : (await ready()) ? 'ready' : undefined), 'the built bot', 40_000);
  if (outcome === 'exited') throw new Error(`the built bot exited with code ${child.exitCode}: ${stderr}`);
}

async function stopped(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

function jsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

describe('npm run build', () => {
  it('writes the server, the prebuilt browser scripts and the Lua scripts, and no server file imports a compiler or bundler statically', () => {
    for (const file of ['bot/main.js', 'bot/migrate-cli.js', 'bot/audit-verify-cli.js', 'console/create-agent-cli.js', 'public/webchat.js', 'public/console.js']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(readdirSync(join(out, 'queues/lua'), { recursive: true }).some((f) => String(f).endsWith('.lua'))).toBe(true);
    const server = jsFilesUnder(out).filter((f) => !f.includes(`${join(out, 'public')}`));
    // The only mention of esbuild is the lazy import that builds a browser script when no prebuilt copy exists.
    const offenders = server.filter((f) => readFileSync(f, 'utf8').split('\n').some((line) => DEV_ONLY.test(line) && !/await import\("esbuild"\)/.test(line)));
    expect(offenders).toEqual([]);
  });

  it('starts with node alone (ROLE=all), serves the prebuilt widget and console, and stops on SIGTERM', async () => {
    const port = await freePort();
    const bot = startBuilt('bot/main.js', { ROLE: 'all', PORT: String(port) });
    try {
      await readyOn(bot, port);
      const widget = await fetch(`http://127.0.0.1:${port}/webchat.js`);
      expect(Buffer.from(await widget.arrayBuffer()).equals(readFileSync(join(out, 'public/webchat.js')))).toBe(true);
      const app = await fetch(`http://127.0.0.1:${port}/console/app.js`);
      expect(Buffer.from(await app.arrayBuffer()).equals(readFileSync(join(out, 'public/console.js')))).toBe(true);
    } finally {
      expect(await stopped(bot)).toBe(0);
    }
  }, 60_000);

  it('a web process loads no dialog engine, Telegram or model library (they are most of a process\'s memory)', async () => {
    const port = await freePort();
    const loaded = join(out, `loaded-${port}.txt`);
    const web = startBuilt('bot/main.js', { ROLE: 'web', PORT: String(port), LOADED_PACKAGES_FILE: loaded });
    try {
      await readyOn(web, port);
    } finally {
      await stopped(web);
    }
    const packages = new Set(readFileSync(loaded, 'utf8').split('\n').filter(Boolean));
    expect(packages.has('express')).toBe(true); // the list is real
    for (const heavy of ['botbuilder', 'botbuilder-dialogs', 'telegraf', '@langchain/core', '@whiskeysockets/baileys']) expect(packages.has(heavy), heavy).toBe(false);
  }, 60_000);

  it("the dialog engine's chunk loads none of Microsoft's text recognizers but the number one (ChoiceAsk runs none)", () => {
    const chunk = readdirSync(join(out, 'bot')).find((f) => /^turn-role-.*\.js$/.test(f));
    expect(chunk).toBeDefined();
    const script = `import { createRequire } from 'node:module'; await import(${JSON.stringify(pathToFileURL(join(out, 'bot', chunk!)).href)});`
      + ` console.log(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('recognizers-text')).join('\\n'));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const loaded = r.stdout.split('\n').filter(Boolean).map((k) => /@microsoft\/(recognizers-text[\w-]*)\//.exec(k)?.[1]);
    expect(new Set(loaded)).toEqual(new Set(['recognizers-text-number']));
  });

  it('npm run migrate (built) runs the migrations once, then finds nothing to do', () => {
    const sqlitePath = join(dataDir, 'migrate.sqlite');
    const run = () => spawnSync(process.execPath, ['--import', GUARD, join(out, 'bot/migrate-cli.js')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, SQLITE_PATH: sqlitePath },
    });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/ran \d+ migration\(s\): 2026_01_01_000_history, /);
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('up to date, nothing to run');
  });

  it('npm run audit:verify (built) verifies an empty audit log', () => {
    const r = spawnSync(process.execPath, ['--import', GUARD, join(out, 'bot/audit-verify-cli.js')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, SQLITE_PATH: join(dataDir, 'audit.sqlite') },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`audit log intact: 0 entries, head ${'0'.repeat(64)}\n`);
  });
});
