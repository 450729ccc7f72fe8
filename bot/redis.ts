import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { DependencyUnavailableError } from './errors';
import type { Logger } from './logger';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` (blocking commands). `autoPipelining`
 * batches the commands issued in one tick into one socket write: on the turn path, small socket writes
 * were the single largest CPU cost before it. Keep it off for connections handed to BullMQ.
 */
export function connectRedis(url: string, name: string, autoPipelining = false): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: autoPipelining });
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

/**
 * Makes sure Redis answers. When REDIS_URL was not set and `redis-server` is installed, starts one as a
 * child process with its data in DATA_DIR/redis; otherwise fails with a message that says how to start it.
 */
export async function ensureRedis(config: Config, log: Logger, defaultUrl = DEFAULT_REDIS_URL): Promise<{ url: string; child?: ChildProcess }> {
  const url = config.REDIS_URL ?? defaultUrl;
  if (await answers(url)) return { url };
  const hasServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (config.REDIS_URL || !hasServer) throw new DependencyUnavailableError(HOW_TO_START_REDIS);

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
