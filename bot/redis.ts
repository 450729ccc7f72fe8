import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config';
import { DependencyUnavailableError } from './errors';
import { logErrorEvents } from './error-events';
import type { Logger } from './logger';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The master of a Redis Sentinel group (REDIS_SENTINELS, REDIS_MASTER_NAME): connections ask the sentinels where it is. */
export interface SentinelTarget {
  sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** The group name the sentinels monitor. */
  name: string;
  password?: string;
  sentinelPassword?: string;
}

/** Where Redis is: a URL, or a Sentinel group's master. */
export type RedisTarget = string | SentinelTarget;

/** The target the configuration names: the sentinels when REDIS_SENTINELS is set, else REDIS_URL (or `defaultUrl`). */
export function redisTargetOf(config: Config, defaultUrl = DEFAULT_REDIS_URL): RedisTarget {
  if (!config.REDIS_SENTINELS) return config.REDIS_URL ?? defaultUrl;
  return {
    sentinels: config.REDIS_SENTINELS,
    name: config.REDIS_MASTER_NAME,
    ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
    ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
  };
}

/** True for a connection made to a Sentinel group (its duplicates are too). */
export const isSentinel = (redis: Redis): boolean => (redis.options.sentinels?.length ?? 0) > 0;

/**
 * A new client for `target`. With sentinels it follows failovers: a sentinel's `+switch-master`
 * (failoverDetector) drops the connection at once, so a client does not keep writing to an old master
 * that is isolated or frozen rather than dead (its socket stays open); a READONLY answer (a client
 * still on a demoted master) reconnects too and resends the command. Reconnecting asks the sentinels
 * for the master again. `duplicate()` keeps all of this (pub/sub subscribers, BullMQ's blocking connections).
 */
function openRedis(target: RedisTarget, options: RedisOptions): Redis {
  if (typeof target === 'string') return new Redis(target, options);
  return closesWatchOnEnd(new Redis({
    sentinels: [...target.sentinels],
    name: target.name,
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    failoverDetector: true,
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...options,
  }));
}

/**
 * ioredis 6.0's `quit()` leaves the failover detector's subscriptions to the sentinels open (redis/ioredis#1362,
 * fixed upstream by #2198): a closed connection would keep three sockets and the process alive. `disconnect()`
 * closes them, so it follows the end of the connection, and of every duplicate (BullMQ closes its own with quit).
 */
function closesWatchOnEnd(redis: Redis): Redis {
  redis.once('end', () => redis.disconnect());
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((override?: Partial<RedisOptions>) => closesWatchOnEnd(duplicate(override))) as Redis['duplicate'];
  return redis;
}

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` (blocking commands). `autoPipelining`
 * batches the commands issued in one tick into one socket write: on the turn path, small socket writes
 * were the single largest CPU cost before it. Keep it off for connections handed to BullMQ.
 * Its errors (Redis down: one per reconnect attempt) become one structured log line per 10 s naming it.
 */
export function connectRedis(target: RedisTarget, name: string, log: Logger, autoPipelining = false): Redis {
  const redis = openRedis(target, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: autoPipelining });
  logErrorEvents(redis, name, log);
  return redis;
}

async function answers(target: RedisTarget): Promise<boolean> {
  const probe = openRedis(target, {
    lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000,
    // With sentinels: one pass over them, no failover watch (the probe lives for one PING).
    sentinelRetryStrategy: () => null, failoverDetector: false,
  });
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

const HOW_TO_REACH_SENTINELS =
  'The bot asks the sentinels in REDIS_SENTINELS for the master of the group REDIS_MASTER_NAME and could not ' +
  'reach a master that way. Check that the sentinels run and monitor that group ' +
  '(`redis-cli -p 26379 sentinel get-master-addr-by-name mymaster` names its address), that the master ' +
  'there answers, and REDIS_PASSWORD / REDIS_SENTINEL_PASSWORD if they require one.';

export interface RedisWaitOptions {
  /** First wait between tries; each next one waits twice as long… @defaultValue 500 */
  baseMs?: number;
  /** …up to this. @defaultValue 10_000 */
  maxMs?: number;
  /** Stops waiting (ensureRedis then rejects). Without it, only the end of the process stops it. */
  signal?: AbortSignal;
}

/**
 * Makes sure Redis answers. When neither REDIS_URL nor REDIS_SENTINELS was set and `redis-server` is
 * installed, starts one as a child process with its data in DATA_DIR/redis. Otherwise it waits for Redis
 * (with sentinels: for them to name a master that answers), trying again with backoff and logging each
 * try at warn (with how to fix it): a process started while Redis is down, or restarting, comes up when
 * Redis does, instead of exiting for its supervisor to loop on.
 * Connect to `redisTargetOf(config)` afterwards. `url` is where Redis answered (with sentinels, text
 * naming them, `redis-sentinel://host:port,…/name`, for logs only).
 */
export async function ensureRedis(config: Config, log: Logger, defaultUrl = DEFAULT_REDIS_URL, wait: RedisWaitOptions = {}): Promise<{ url: string; child?: ChildProcess }> {
  const target = redisTargetOf(config, defaultUrl);
  if (typeof target !== 'string') {
    // Never a local redis-server here: the sentinels name the master, wherever it runs.
    if (!(await answers(target))) await waitForRedis(target, log, wait);
    return { url: describeTarget(target) };
  }
  const url = target;
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

async function waitForRedis(target: RedisTarget, log: Logger, { baseMs = 500, maxMs = 10_000, signal }: RedisWaitOptions): Promise<void> {
  const redis = describeTarget(target);
  const hint = typeof target === 'string' ? HOW_TO_START_REDIS : HOW_TO_REACH_SENTINELS;
  for (let attempt = 1; ; attempt++) {
    const retryInMs = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    log.warn({ redis, attempt, retryInMs, hint }, 'Redis does not answer: trying again');
    await sleep(retryInMs, signal);
    if (await answers(target)) {
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

/** The target as it may be logged: a password in a URL is replaced, sentinels' passwords are left out. */
function describeTarget(target: RedisTarget): string {
  if (typeof target !== 'string') return `redis-sentinel://${target.sentinels.map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`).join(',')}/${target.name}`;
  try {
    const u = new URL(target);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}
