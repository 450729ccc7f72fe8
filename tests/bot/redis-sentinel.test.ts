import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { ConfigError, DependencyUnavailableError } from '../../bot/errors';
import { createLogger } from '../../bot/logger';
import { connectRedis, ensureRedis, isSentinel, redisTargetOf } from '../../bot/redis';
import { ReplicaWait } from '../../bot/replica-wait';
import { createInboundQueue, createIngest } from '../../queues/inbound';
import { conversationKey } from '../../bot/conversation-key';
import { dropPrefix, eventually, redisClient, testPrefix } from '../support/redis';
import { freePort, startSentinelGroup, type SentinelGroup } from '../support/redis-sentinel-group';

const silent = pino({ level: 'silent' });

/** A logger whose JSON lines land in `lines`. */
function capturing(): { log: ReturnType<typeof createLogger>; lines: Array<{ level: number; msg: string; hint?: string; redis?: string }> } {
  const lines: Array<{ level: number; msg: string; hint?: string; redis?: string }> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]); done(); } });
  return { log: createLogger('info', {}, sink), lines };
}

describe('REDIS_SENTINELS and friends in the configuration', () => {
  it('reads a host:port list (IPv6 in brackets) with the default group name', () => {
    const c = loadConfig({ REDIS_SENTINELS: ' 10.0.0.5:26379, sentinel-b.internal:26380,[::1]:26381 ' });
    expect(c.REDIS_SENTINELS).toEqual([{ host: '10.0.0.5', port: 26379 }, { host: 'sentinel-b.internal', port: 26380 }, { host: '::1', port: 26381 }]);
    expect(c.REDIS_MASTER_NAME).toBe('mymaster');
    expect(redisTargetOf(loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_MASTER_NAME: 'city', REDIS_PASSWORD: 'pw', REDIS_SENTINEL_PASSWORD: 'spw' })))
      .toEqual({ sentinels: [{ host: 'a', port: 1 }], name: 'city', password: 'pw', sentinelPassword: 'spw' });
    expect(redisTargetOf(loadConfig({}))).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    ['a port missing', '192.168.7.1:26379,192.168.7.2', /entry 2 of 2 is not host:port/],
    ['a port out of range', '192.168.7.1:70000', /entry 1 of 1 is not host:port/],
    ['a URL instead of host:port', 'redis://192.168.7.1:26379', /entry 1 of 1 is not host:port/],
    ['only commas', ',,', /needs at least one host:port/],
  ])('refuses %s, naming REDIS_SENTINELS and the entry but not the value', (_what, value, message) => {
    let err: unknown;
    try {
      loadConfig({ REDIS_SENTINELS: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/REDIS_SENTINELS/);
    expect((err as Error).message).toMatch(message);
    if (value.length > 3) expect((err as Error).message).not.toContain(value);
  });

  it('refuses REDIS_URL together with REDIS_SENTINELS, and the passwords without sentinels', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: 'a:26379' })).toThrow(/REDIS_URL, REDIS_SENTINELS: set one/);
    expect(() => loadConfig({ REDIS_PASSWORD: 'secret' })).toThrow(/only with REDIS_SENTINELS/);
  });
});

describe('connections through a real Sentinel group', () => {
  let group: SentinelGroup;
  const open: Redis[] = [];
  beforeAll(async () => {
    group = await startSentinelGroup();
  }, 60_000);
  afterAll(async () => {
    for (const c of open.splice(0)) await c.quit().catch(() => undefined);
    group?.stop();
  });
  const target = () => redisTargetOf(loadConfig({ REDIS_SENTINELS: group.sentinelList, REDIS_MASTER_NAME: group.name }));
  const direct = (port: number) => {
    const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    open.push(r);
    return r;
  };

  it('reach the master the sentinels name, and so do their duplicates (pub/sub subscribers, BullMQ blocking connections)', async () => {
    const redis = connectRedis(target(), 't-sentinel', silent);
    open.push(redis);
    expect(isSentinel(redis)).toBe(true);
    expect(await redis.info('replication')).toMatch(/role:master/);
    expect(await redis.call('CONFIG', 'GET', 'port')).toEqual(['port', String(group.serverPorts[0])]);
    const dup = redis.duplicate();
    open.push(dup);
    expect(isSentinel(dup)).toBe(true);
    expect(await dup.call('CONFIG', 'GET', 'port')).toEqual(['port', String(group.serverPorts[0])]);
    expect(isSentinel(direct(6379))).toBe(false);
  });

  it('a connection and its duplicates watch the sentinels for a failover, and stop watching when they are closed with quit', async () => {
    // The failover detector subscribes to +switch-master on every sentinel; our connection names tell ours apart.
    const watchers = async () => {
      let n = 0;
      for (const port of group.sentinelPorts) {
        const list = String(await direct(port).call('CLIENT', 'LIST'));
        n += list.split('\n').filter((l) => / cmd=subscribe/.test(l) || / sub=1 /.test(l)).length;
      }
      return n;
    };
    const before = await watchers();
    const redis = connectRedis(target(), 't-sentinel-watch', silent);
    await redis.ping();
    const dup = redis.duplicate();
    await dup.ping();
    await eventually(async () => (await watchers()) === before + 2 * group.sentinelPorts.length, 10_000, 'both connections watching every sentinel');
    await dup.quit();
    await redis.quit();
    await eventually(async () => (await watchers()) === before, 10_000, 'the watches closed');
  });

  it('ensureRedis answers through the sentinels, and never starts a local redis-server for them', async () => {
    expect(await ensureRedis(loadConfig({ REDIS_SENTINELS: group.sentinelList }), silent)).toEqual({ url: `redis-sentinel://${group.sentinelList}/mymaster` });
    // Sentinels that do not answer: it waits (a warn line per try, with the Sentinel hint), and starts nothing.
    const { log, lines } = capturing();
    const stop = new AbortController();
    const nobody = `127.0.0.1:${await freePort()}`;
    const waiting = ensureRedis(loadConfig({ REDIS_SENTINELS: nobody }), log, undefined, { baseMs: 20, maxMs: 50, signal: stop.signal });
    await eventually(() => lines.filter((l) => l.msg === 'Redis does not answer: trying again').length >= 2, 10_000, 'two tries');
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(DependencyUnavailableError);
    const tries = lines.filter((l) => l.msg === 'Redis does not answer: trying again');
    expect(tries[0]?.redis).toBe(`redis-sentinel://${nobody}/mymaster`);
    expect(tries[0]?.hint).toMatch(/REDIS_SENTINELS/);
    expect(lines.some((l) => /started redis-server/.test(l.msg))).toBe(false);
  });

  it('an ingested message is acknowledged once a replica has it: WAIT on the command connection, and only with sentinels', async () => {
    const prefix = testPrefix();
    const redis = connectRedis(target(), 't-sentinel-cmd', silent, true);
    const bull = connectRedis(target(), 't-sentinel-bull', silent);
    const plainRedis = connectRedis('redis://127.0.0.1:6379', 't-plain-cmd', silent, true);
    open.push(redis, bull, plainRedis);
    const { log, lines } = capturing();
    const inbound = createInboundQueue(redis, prefix, bull, log);
    const plain = createInboundQueue(plainRedis, prefix, plainRedis, log);
    const activity = (id: string): Partial<Activity> => ({ type: 'message', id, channelId: 'webchat', conversation: { id: 'c1' } as Activity['conversation'], from: { id: 'u' } as Activity['from'], text: 'hola' });
    const replicas = group.serverPorts.slice(1).map(direct);
    const mailbox = inbound.mailboxOf(conversationKey('webchat', 'c1'));
    const waits = () => lines.filter((l) => /did not confirm a write in time/.test(l.msg));
    try {
      for (let i = 1; i <= 20; i++) {
        await createIngest(inbound)(activity(`m${i}`));
        // Read at once on the replicas: at least one has it already.
        expect(Math.max(...(await Promise.all(replicas.map((r) => r.llen(mailbox))))), `message ${i}`).toBe(i);
      }
      // Both replicas frozen: nobody confirms, so the WAIT times out (1 s), and the message is acknowledged
      // anyway (on the master only) with a warning, rather than the bot refusing messages.
      expect(waits()).toEqual([]);
      for (const port of group.serverPorts.slice(1)) group.freeze(port, true);
      await createIngest(inbound)(activity('m-frozen'));
      expect(waits()).toHaveLength(1);
      // Without sentinels nothing waits for replicas: the hot path is unchanged.
      await createIngest(plain)(activity('m-plain'));
      expect(waits()).toHaveLength(1);
    } finally {
      for (const port of group.serverPorts.slice(1)) group.freeze(port, false);
      await inbound.close();
      await plain.close();
      await inbound.queue.obliterate({ force: true }).catch(() => undefined);
      await plain.queue.obliterate({ force: true }).catch(() => undefined);
      await dropPrefix(redis, prefix);
      await dropPrefix(plainRedis, prefix);
    }
  });
});

describe('ReplicaWait', () => {
  it('acknowledges anyway when no replica confirms in time, says so once, and stops waiting for a while', async () => {
    const redis = redisClient(); // the test Redis has no replicas
    await new Promise((r) => redis.once('ready', r));
    const { log, lines } = capturing();
    const wait = new ReplicaWait(redis, { timeoutMs: 50, pauseMs: 60_000, log });
    try {
      const key = `${testPrefix()}:n`;
      expect(await wait.durably(() => redis.incr(key))).toBe(1);
      expect(await wait.durably(() => redis.incr(key))).toBe(2);
      expect(await wait.durably(() => redis.incr(key))).toBe(3);
      const warned = lines.filter((l) => /did not confirm a write in time/.test(l.msg));
      expect(warned).toHaveLength(1);
      expect(warned[0]?.level).toBe(40);
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });

  it('makes the write again when the connection reconnected in between (the WAIT then ran on another server), resolving with the first result', async () => {
    const redis = redisClient();
    await new Promise((r) => redis.once('ready', r));
    const wait = new ReplicaWait(redis, { replicas: 0, log: silent });
    const key = `${testPrefix()}:n`;
    let writes = 0;
    try {
      const result = await wait.durably(async () => {
        writes++;
        const n = await redis.incr(key);
        if (writes === 1) redis.disconnect(true); // as a failover does: the next commands go to a new connection
        return n;
      });
      expect(result).toBe(1);
      expect(writes).toBe(2);
      expect(await redis.get(key)).toBe('2'); // incr is not idempotent; a deduped push would have changed nothing
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });
});
