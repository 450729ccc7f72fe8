import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { RedisStorage } from '../../turns/redis-storage';
import { HistoryStore, type TranscriptEntry } from '../../bot/sql/history-store';
import { TranscriptOutbox } from '../../queues/transcript-outbox';
import { DIALECTS, type TestDatabase } from '../bot/sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

const log = createLogger('silent');

for (const { dialect, open } of DIALECTS) {
  describe(`TranscriptOutbox on ${dialect}`, () => {
    const redis = redisClient();
    const prefix = testPrefix();
    let t: TestDatabase;
    let history: HistoryStore;
    let storage: RedisStorage;

    beforeAll(async () => {
      t = await open();
      history = new HistoryStore(t.db);
      storage = new RedisStorage(redis, { prefix: `${prefix}:state:` });
    });
    afterAll(async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
      await t?.drop();
    });

    const turnLines = (citizenId: string, conversationId: string, n: number): TranscriptEntry[] =>
      Array.from({ length: n }, (_, i) => ({
        channel: 'webchat', conversationId, citizenId, direction: i % 2 === 0 ? 'in' : 'out', activityId: `a-${i}`,
        text: `línea ${i}`, entities: [{ type: 'place', geo: { latitude: 39.47, longitude: -0.37 } }], at: new Date(Date.UTC(2026, 11, 2, 10, 0, i)),
      }));

    /** What a turn does: state, journal and transcript lines in one commit. */
    async function commitTurn(outbox: TranscriptOutbox, lines: TranscriptEntry[]): Promise<void> {
      await storage.commitJson(new Map([[`c/${randomUUID()}/`, '{"x":1}']]), { key: `${prefix}:journal:${randomUUID()}`, value: '{}', ttlMs: 60_000 }, { key: outbox.key, values: outbox.encode(lines) });
    }

    it('moves committed lines to SQL in order, with their dates, attachments and entities intact', async () => {
      const outbox = new TranscriptOutbox(redis, `${prefix}-a`, history, log, { flushMs: 5 });
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      const lines = turnLines(citizen, conv, 7);
      await commitTurn(outbox, lines.slice(0, 3));
      await commitTurn(outbox, lines.slice(3));
      expect(await redis.llen(outbox.key)).toBe(7);
      await outbox.flush();
      expect(await redis.llen(outbox.key)).toBe(0);
      const stored = await history.transcript('webchat', conv);
      expect(stored).toEqual(lines);
      await outbox.close();
    });

    it('keeps the lines in Redis when the database refuses them, and records them on the next flush', async () => {
      let down = true;
      let attempts = 0;
      const flaky = {
        recordMessages: (l: readonly TranscriptEntry[]) => (attempts++, down ? Promise.reject(new Error('database down')) : history.recordMessages(l)),
        ping: () => (down ? Promise.reject(new Error('database down')) : history.ping()),
      };
      const outbox = new TranscriptOutbox(redis, `${prefix}-b`, flaky, log, { flushMs: 5 });
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      await commitTurn(outbox, turnLines(citizen, conv, 2));
      await expect(outbox.flush()).rejects.toThrow('database down');
      expect(await redis.llen(outbox.key)).toBe(2);
      expect(attempts).toBe(1); // an outage costs one attempt per batch, not one per line
      down = false;
      await outbox.flush(); // the lock was released on failure: no wait for its expiry
      expect((await history.transcript('webchat', conv)).map((l) => l.text)).toEqual(['línea 0', 'línea 1']);
      await outbox.close();
    });

    it('records each line once when a flusher failed after writing SQL and before trimming', async () => {
      const ns = `${prefix}-c`;
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      const dying = { recordMessages: async (l: readonly TranscriptEntry[]) => { await history.recordMessages(l); throw new Error('killed before the trim'); }, ping: () => history.ping() };
      const first = new TranscriptOutbox(redis, ns, dying, log);
      await commitTurn(first, turnLines(citizen, conv, 3));
      await expect(first.flush()).rejects.toThrow('killed before the trim');
      expect(await redis.llen(first.key)).toBe(3);
      const second = new TranscriptOutbox(redis, ns, history, log);
      await second.flush();
      expect((await history.transcript('webchat', conv)).map((l) => l.activityId)).toEqual(['a-0', 'a-1', 'a-2']);
      expect(await redis.llen(first.key)).toBe(0);
    });

    it('waits for a flush another process is running instead of returning before the lines are in SQL', async () => {
      const ns = `${prefix}-e`;
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      const outbox = new TranscriptOutbox(redis, ns, history, log);
      await commitTurn(outbox, turnLines(citizen, conv, 2));
      // A process that died holding the lock: it expires after its lifetime.
      await redis.set(`${ns}:transcript:flush-lock`, 'a dead process', 'PX', 300);
      let done = false;
      const flushed = outbox.flush().then(() => (done = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(done).toBe(false);
      await flushed;
      expect((await history.transcript('webchat', conv)).length).toBe(2);
    });

    it('sets aside a line the database refuses (its citizen is gone) and records every other line of the batch', async () => {
      const outbox = new TranscriptOutbox(redis, `${prefix}-f`, history, log);
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      const orphan = turnLines(randomUUID(), `conv-${randomUUID()}`, 1); // a new conversation of a citizen that does not exist
      await commitTurn(outbox, [...turnLines(citizen, conv, 2), ...orphan, ...turnLines(citizen, conv, 4).slice(2)]);
      await outbox.flush();
      expect((await history.transcript('webchat', conv)).map((l) => l.activityId)).toEqual(['a-0', 'a-1', 'a-2', 'a-3']);
      expect(await redis.llen(outbox.key)).toBe(0);
      expect((await redis.lrange(outbox.deadKey, 0, -1)).map((l) => JSON.parse(l).conversationId)).toEqual([orphan[0]!.conversationId]);
      // The outbox is not blocked: the next turn's lines go in.
      await commitTurn(outbox, turnLines(citizen, conv, 5).slice(4));
      await outbox.flush();
      expect((await history.transcript('webchat', conv)).length).toBe(5);
      await outbox.close();
    });

    it('lets concurrent callers share a flush that has not started yet', async () => {
      const outbox = new TranscriptOutbox(redis, `${prefix}-g`, history, log);
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      await commitTurn(outbox, turnLines(citizen, conv, 2));
      let claims = 0;
      const claim = redis.outboxClaim.bind(redis);
      redis.outboxClaim = (...args: string[]) => { claims++; return claim(...args); };
      try {
        await Promise.all(Array.from({ length: 5 }, () => outbox.flush()));
      } finally {
        redis.outboxClaim = claim;
      }
      expect(claims).toBe(1);
      expect((await history.transcript('webchat', conv)).length).toBe(2);
    });

    it('flushes on its own shortly after a turn nudges it', async () => {
      const outbox = new TranscriptOutbox(redis, `${prefix}-d`, history, log, { flushMs: 10 });
      const citizen = await history.citizenFor('webchat', `u-${randomUUID()}`);
      const conv = `conv-${randomUUID()}`;
      await commitTurn(outbox, turnLines(citizen, conv, 2));
      outbox.nudge();
      const until = Date.now() + 5_000;
      while ((await history.transcript('webchat', conv)).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect((await history.transcript('webchat', conv)).length).toBe(2);
      await outbox.close();
    });
  });
}
