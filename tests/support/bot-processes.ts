import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { stopBot } from '../../bench/spawn-bot';
import { waitFor } from '../e2e/support';

/** A port free right now (a parallel test may still take it before it is used: see startWebProcess). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A real `node --import tsx bot/main.ts` sharing `prefix` (Redis) and `dataDir` (SQLite) with its siblings. */
export function spawnBotProcess(shared: { prefix: string; dataDir: string }, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: {
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', REDIS_PREFIX: shared.prefix, DATA_DIR: shared.dataDir,
      SQLITE_PATH: path.join(shared.dataDir, 'bot.sqlite'), TOKEN_RATE_LIMIT: '1000', ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * Starts a web process (through `start`) on a free port, and again on another one if it exits before it is
 * ready: between freePort() closing its probe and the process listening, a test running in parallel may
 * take the port. Returns its base URL.
 */
export async function startWebProcess(start: (env: Record<string, string>) => ChildProcess): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const web = start({ ROLE: 'web', PORT: String(port) });
    // With a timeout: the web process accepts connections before its handlers are wired.
    const ready = () => fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    const outcome = await waitFor(async () => (web.exitCode !== null ? 'exited' : (await ready()) ? 'ready' : undefined), 'the web process', 40_000);
    if (outcome === 'ready') return baseUrl;
    if (attempt === 3) throw new Error(`the web process exited (code ${web.exitCode}) before it was ready, three times`);
  }
}

/**
 * The bot processes of one test file: each shares the file's Redis prefix and data folder (and `env`, the
 * file's common settings); `stopAll` stops every one started, in parallel.
 *
 * @example
 * const bots = new BotProcesses({ prefix, dataDir });
 * bots.start({ ROLE: 'worker' });
 * const baseUrl = await bots.startWeb();
 * // afterAll: await bots.stopAll();
 */
export class BotProcesses {
  readonly all: ChildProcess[] = [];
  constructor(private readonly shared: { prefix: string; dataDir: string }, private readonly env: Record<string, string> = {}) {}

  start(env: Record<string, string>): ChildProcess {
    const child = spawnBotProcess(this.shared, { ...this.env, ...env });
    this.all.push(child);
    return child;
  }

  /** A web process on a free port (see startWebProcess); its base URL. */
  startWeb(env: Record<string, string> = {}): Promise<string> {
    return startWebProcess((web) => this.start({ ...env, ...web }));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((p) => stopBot(p)));
  }
}
