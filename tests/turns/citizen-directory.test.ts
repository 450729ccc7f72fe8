import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CitizenDirectory } from '../../turns/citizen-directory';
import { openDatabase, type Db } from '../../bot/sql/database';
import { HistoryStore } from '../../bot/sql/history-store';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

describe('CitizenDirectory (identity → citizen copies in Redis)', () => {
  let redis: Redis;
  let db: Db;
  let dir: string;
  let history: HistoryStore;
  let lookups = 0;
  const prefix = testPrefix();
  const counted = { citizenFor: (...a: Parameters<HistoryStore['citizenFor']>) => ((lookups++), history.citizenFor(...a)) };
  const directory = () => new CitizenDirectory(redis, prefix, counted);
  const readAhead = (d: CitizenDirectory, channel: string, user: string) => redis.mget(d.keysOf(channel, user));

  beforeAll(async () => {
    redis = redisClient();
    dir = mkdtempSync(join(tmpdir(), 'citizen-dir-'));
    db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
    history = new HistoryStore(db);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the copy read ahead, without asking SQL, once an identity was looked up', async () => {
    const d = directory();
    lookups = 0;
    const first = await d.resolve('webchat', 'u-1', 'Ana', await readAhead(d, 'webchat', 'u-1'));
    expect(lookups).toBe(1);
    const again = await d.resolve('webchat', 'u-1', 'Ana', await readAhead(d, 'webchat', 'u-1'));
    expect(again).toBe(first);
    expect(lookups).toBe(1);
    // Another process shares the copies.
    expect(await new CitizenDirectory(redis, prefix, counted).resolve('webchat', 'u-1', undefined, await readAhead(d, 'webchat', 'u-1'))).toBe(first);
    expect(lookups).toBe(1);
  });

  it('asks SQL again after a link changed identities, and never keeps a copy read before the change', async () => {
    const d = directory();
    const web = await d.resolve('webchat', 'u-2', undefined, await readAhead(d, 'webchat', 'u-2'));
    const phone = await history.citizenFor('whatsapp-cloud', '34600000002');
    // A turn in flight read ahead before the link...
    const stale = await readAhead(d, 'webchat', 'u-2');
    await history.mergeCitizens(web, phone);
    await d.changed();
    lookups = 0;
    // ...and answers from its own read (the window every read-then-merge has), but its copy is void:
    expect(await d.resolve('webchat', 'u-2', undefined, stale)).toBe(web);
    expect(lookups).toBe(0);
    expect(await d.resolve('webchat', 'u-2', undefined, await readAhead(d, 'webchat', 'u-2'))).toBe(phone);
    expect(lookups).toBe(1);
    // A copy stamped with the epoch read before the change, written after it, is void too.
    const before = await readAhead(d, 'webchat', 'u-3');
    await d.changed();
    await d.resolve('webchat', 'u-3', undefined, before);
    lookups = 0;
    await d.resolve('webchat', 'u-3', undefined, await readAhead(d, 'webchat', 'u-3'));
    expect(lookups).toBe(1);
    await d.resolve('webchat', 'u-3', undefined, await readAhead(d, 'webchat', 'u-3'));
    expect(lookups).toBe(1);
  });
});
