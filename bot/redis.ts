import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { DependencyUnavailableError } from './errors';
import { logErrorEvents } from './error-events';
import type { Logger } from './logger';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` (blocking commands). `autoPipelining`
 * batches the commands issued in one tick into one socket write: on the turn path, small socket writes
 * were the single largest CPU cost before it. Keep it off for connections handed to BullMQ.
 * Its errors (Redis down: one per reconnect attempt) become one structured log line per 10 s naming it.
 */
export function connectRedis(url: string, name: string, log: Logger, autoPipelining = false): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: autoPipelining });
  logErrorEvents(redis, name, log);
  return redis;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  probe.on('error', () => undefined); // the probe's failure is the answer; connect() below reports it
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const HOW_TO_START_REDIS =
  'The bot keeps conversations and queues in Redis and could not reach it. Start Redis (for example ' +
  '`redis-server --daemonize yes --port 6379`, or `apt-get install redis-server`), or point REDIS_URL at a running ' +
  'server (e.g. REDIS_URL=redis://127.0.0.1:6379), then run `npm start` again.';

export interface RedisWaitOptions {
  /** First wait between tries; each next one waits twice as long… @defaultValue 500 */
  baseMs?: number;
  /** …up to this. @defaultValue 10_000 */
  maxMs?: number;
  /** Stops waiting (ensureRedis then rejects). Without it, only the end of the process stops it. */
  signal?: AbortSignal;
}

/**
 * Makes sure Redis answers. When REDIS_URL was not set and `redis-server` is installed, starts one as a
 * child process with its data in DATA_DIR/redis. Otherwise it waits for Redis, trying again with
 * backoff and logging each try at warn (with how to start Redis): a process started while Redis is
 * down, or restarting, comes up when Redis does, instead of exiting for its supervisor to loop on.
 */
export async function ensureRedis(config: Config, log: Logger, defaultUrl = DEFAULT_REDIS_URL, wait: RedisWaitOptions = {}): Promise<{ url: string; child?: ChildProcess }> {
  const url = config.REDIS_URL ?? defaultUrl;
  if (await answers(url)) return { url };
  const hasServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (config.REDIS_URL || !hasServer) {
    await waitForRedis(url, log, wait);
    return { url };
  }

  const dir = resolve(config.DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = new URL(url).port || '6379';
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  log.warn({ dir }, 'Redis was not running: started redis-server as a child process');
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new DependencyUnavailableError(HOW_TO_START_REDIS);
}

async function waitForRedis(url: string, log: Logger, { baseMs = 500, maxMs = 10_000, signal }: RedisWaitOptions): Promise<void> {
  const redis = withoutPassword(url);
  for (let attempt = 1; ; attempt++) {
    const retryInMs = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    log.warn({ redis, attempt, retryInMs, hint: HOW_TO_START_REDIS }, 'Redis does not answer: trying again');
    await sleep(retryInMs, signal);
    if (await answers(url)) {
      log.info({ redis, attempts: attempt + 1 }, 'Redis answers');
      return;
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      clearTimeout(timer);
      reject(new DependencyUnavailableError('stopped waiting for Redis', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/** The URL as it may be logged: a password in it is replaced. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}
