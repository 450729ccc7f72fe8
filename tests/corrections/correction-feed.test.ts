import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { CorrectionsStore } from '../../bot/sql/corrections-store';
import { loadCatalog } from '../../catalog/load-catalog';
import type { LabelledText } from '../../dialogs/classify/offline-classifier';
import { CORRECTIONS_SOURCE, CorrectionFeed } from '../../console/correction-feed';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { waitFor } from '../e2e/support';

/** A classifier that only records what it was given. */
class Recorder {
  readonly calls: Array<{ name: string; rows: readonly LabelledText[] }> = [];
  async setSource(name: string, rows: readonly LabelledText[]): Promise<void> {
    this.calls.push({ name, rows });
  }
  get last(): readonly LabelledText[] | undefined {
    return this.calls.at(-1)?.rows;
  }
}

const catalog = loadCatalog('config/catalog.yaml');
const log = createLogger('silent');
let t: TestDatabase;
let redis: Redis;
let prefix: string;
const feeds: CorrectionFeed[] = [];

beforeEach(async () => {
  t = await sqliteTestDatabase();
  redis = redisClient();
  prefix = testPrefix();
});
afterEach(async () => {
  for (const f of feeds.splice(0)) f.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
  await t.drop();
});

const feed = (limit?: number) => {
  const f = new CorrectionFeed({ redis, prefix, store: new CorrectionsStore(t.db), catalog, log, ...(limit ? { limit } : {}) });
  feeds.push(f);
  return f;
};

describe('the corrections feed', () => {
  it('loads the corrections at start, and again in every following process when one announces a change', async () => {
    const store = new CorrectionsStore(t.db);
    await store.add({ text: 'la fuente pierde agua', service: 'agua', type: 'reclamo', locale: 'es', handoffId: 'h1', agentId: 'a' });
    const [a, b] = [new Recorder(), new Recorder()];
    await feed().follow(a);
    await feed().follow(b);
    expect(a.calls).toEqual([{ name: CORRECTIONS_SOURCE, rows: [{ text: 'la fuente pierde agua', service: 'agua', type: 'reclamo', locale: 'es' }] }]);

    await store.add({ text: 'the lamp post leans', service: 'transito', type: 'reclamo', locale: 'en', ticketReference: 'ALU-2026-000001', agentId: 'a' });
    await feed().announce();
    for (const r of [a, b]) await waitFor(() => (r.last?.length === 2 ? true : undefined), 'the reload');
    expect(b.last?.map((x) => x.service)).toEqual(['transito', 'agua']);
  });

  it('leaves out corrections to a service the catalog no longer has, and keeps only the latest `limit`', async () => {
    const store = new CorrectionsStore(t.db);
    await store.add({ text: 'uno', service: 'servicio-retirado', type: 'reclamo', locale: 'es', handoffId: 'h1', agentId: 'a' });
    for (const text of ['dos', 'tres', 'cuatro']) await store.add({ text, service: 'agua', type: 'consulta', locale: 'es', handoffId: 'h1', agentId: 'a' });
    const r = new Recorder();
    await feed(2).follow(r);
    expect(r.last?.map((x) => x.text)).toEqual(['cuatro', 'tres']);
    expect(await feed().rows()).toHaveLength(3);
  });

  it('keeps the previous corrections when SQL cannot be read, and loads them at the next notice', async () => {
    const r = new Recorder();
    const f = feed();
    await f.follow(r);
    expect(r.calls).toHaveLength(1);
    await t.db.kysely.schema.alterTable('classifier_corrections').renameTo('gone').execute();
    await f.reload(r); // logged, nothing handed over
    expect(r.calls).toHaveLength(1);
    await t.db.kysely.schema.alterTable('gone').renameTo('classifier_corrections').execute();
    await new CorrectionsStore(t.db).add({ text: 'farola', service: 'alumbrado', type: 'reclamo', locale: 'es', handoffId: 'h', agentId: 'a' });
    await f.announce();
    await waitFor(() => (r.calls.length === 2 ? true : undefined), 'the reload');
    expect(r.last).toHaveLength(1);
  });
});
