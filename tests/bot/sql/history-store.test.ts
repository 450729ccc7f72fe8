import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../bot/errors';
import { HistoryStore, type TranscriptEntry } from '../../../bot/sql/history-store';
import { DIALECTS, type TestDatabase } from './test-databases';

for (const { dialect, open } of DIALECTS) {
  describe(`HistoryStore on ${dialect}`, () => {
    let t: TestDatabase;
    let store: HistoryStore;

    beforeAll(async () => {
      t = await open();
      store = new HistoryStore(t.db);
    });
    afterAll(async () => {
      await t?.drop();
    });

    const userId = () => `u-${randomUUID()}`;
    const entry = (citizenId: string, conversationId: string, i: number, over: Partial<TranscriptEntry> = {}): TranscriptEntry => ({
      channel: 'telegram',
      conversationId,
      citizenId,
      direction: i % 2 === 0 ? 'in' : 'out',
      activityId: `a-${i}`,
      text: `message ${i}`,
      at: new Date(Date.UTC(2026, 0, 1, 10, 0, i)),
      ...over,
    });

    it('returns the same citizen for the same channel identity', async () => {
      const user = userId();
      const first = await store.citizenFor('telegram', user, 'Ana');
      expect(await store.citizenFor('telegram', user)).toBe(first);
      expect(await store.citizenFor('whatsapp', user)).not.toBe(first);
    });

    it('creates one citizen when calls for a new identity race', async () => {
      const user = userId();
      const ids = await Promise.all(Array.from({ length: 8 }, () => store.citizenFor('whatsapp', user, user)));
      expect(new Set(ids).size).toBe(1);
      // The losers' provisional citizens must not be left behind.
      const citizens = await t.db.kysely.selectFrom('citizens').select('id').where('display_name', '=', user).execute();
      expect(citizens).toEqual([{ id: ids[0] }]);
      expect(await store.identitiesOf(ids[0]!)).toMatchObject([{ channel: 'whatsapp', channelUserId: user, verified: false }]);
    });

    it('records a batch and reads the transcript back in order, with attachments and entities', async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const conv = `c-${randomUUID()}`;
      const place = { type: 'Place', geo: { latitude: 39.47, longitude: -0.37 } };
      // Deliberately out of order in the batch: the transcript orders by time.
      const batch = [
        entry(citizen, conv, 2),
        entry(citizen, conv, 0, { entities: [place] }),
        entry(citizen, conv, 1, { text: undefined, attachments: [{ contentType: 'image/png', contentUrl: 'https://x.test/p.png' }] }),
      ];
      await store.recordMessages(batch);
      const got = await store.transcript('telegram', conv);
      expect(got.map((m) => m.activityId)).toEqual(['a-0', 'a-1', 'a-2']);
      expect(got[0]).toEqual(batch[1]);
      expect(got[1]).toEqual({ ...batch[2], text: undefined });
      expect(got[1]).not.toHaveProperty('text');
    });

    it('ignores replayed messages, within a batch and across batches', async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const conv = `c-${randomUUID()}`;
      await store.recordMessages([entry(citizen, conv, 0), entry(citizen, conv, 0)]);
      await store.recordMessages([entry(citizen, conv, 0, { text: 'replayed' }), entry(citizen, conv, 1)]);
      const got = await store.transcript('telegram', conv);
      expect(got.map((m) => [m.activityId, m.text])).toEqual([
        ['a-0', 'message 0'],
        ['a-1', 'message 1'],
      ]);
    });

    it('keeps an inbound and an outbound message that share an activity id', async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const conv = `c-${randomUUID()}`;
      await store.recordMessages([
        entry(citizen, conv, 0, { direction: 'in', activityId: 'same' }),
        entry(citizen, conv, 1, { direction: 'out', activityId: 'same' }),
      ]);
      expect((await store.transcript('telegram', conv)).map((m) => m.direction)).toEqual(['in', 'out']);
    });

    it('returns the latest messages, oldest first, when a limit is given', async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const conv = `c-${randomUUID()}`;
      await store.recordMessages(Array.from({ length: 6 }, (_, i) => entry(citizen, conv, i)));
      expect((await store.transcript('telegram', conv, 3)).map((m) => m.activityId)).toEqual(['a-3', 'a-4', 'a-5']);
    });

    it("tracks a citizen's conversations across channels, most recently active first", async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const tg = `c-${randomUUID()}`;
      const wa = `c-${randomUUID()}`;
      await store.recordMessages([entry(citizen, tg, 0), entry(citizen, wa, 1, { channel: 'whatsapp' })]);
      await store.recordMessages([entry(citizen, tg, 5)]);
      // A late batch must not move last activity backwards.
      await store.recordMessages([entry(citizen, tg, 3)]);
      const convs = await store.conversationsOf(citizen);
      expect(convs.map((c) => [c.id, c.conversationId])).toEqual([
        [`telegram:${tg}`, tg],
        [`whatsapp:${wa}`, wa],
      ]);
      expect(convs[0]).toMatchObject({
        startedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, 0)),
        lastActivityAt: new Date(Date.UTC(2026, 0, 1, 10, 0, 5)),
      });
    });

    it('links another channel identity to an existing citizen', async () => {
      const citizen = await store.citizenFor('telegram', userId());
      const phone = `+34${Math.floor(Math.random() * 1e9)}`;
      const other = await store.citizenFor('whatsapp', phone);
      await store.linkIdentity(citizen, 'whatsapp', phone, true);
      expect(await store.citizenFor('whatsapp', phone)).toBe(citizen);
      expect((await store.identitiesOf(citizen)).map((i) => [i.channel, i.verified])).toEqual([
        ['telegram', false],
        ['whatsapp', true],
      ]);
      expect(await store.identitiesOf(other)).toEqual([]);
    });

    it('folds one citizen into another: identities and conversations move, the old citizen is gone', async () => {
      const web = await store.citizenFor('webchat', userId());
      const phone = await store.citizenFor('whatsapp-cloud', userId());
      await store.recordMessages([entry(web, `conv-${randomUUID()}`, 0)]);
      await store.mergeCitizens(web, phone);
      await store.mergeCitizens(web, phone); // idempotent
      expect((await store.identitiesOf(phone)).map((i) => i.channel).sort()).toEqual(['webchat', 'whatsapp-cloud']);
      expect(await store.identitiesOf(web)).toEqual([]);
      expect((await store.conversationsOf(phone)).length).toBe(1);
      expect(await store.conversationsOf(web)).toEqual([]);
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  describe(`HistoryStore on ${dialect} without its database`, () => {
    it('fails with DependencyUnavailableError', async () => {
      const t = await open();
      const store = new HistoryStore(t.db);
      await t.drop();
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.citizenFor('telegram', 'x')).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });
}
