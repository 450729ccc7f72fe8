import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { HistoryStore } from '../../bot/sql/history-store';
import { CitizenNotices } from '../../queues/citizen-notices';
import { conversationKey } from '../../bot/conversation-key';
import { OutboundQueues } from '../../queues/outbound';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

/*
 * Notices about a ticket (accepted, new state with the back office's note, under review) go to the
 * conversation the ticket was filed in, and only while that conversation is its owner's. Real SQLite
 * (conversations and their citizens) and real Redis (the outbound mailbox a notice is queued in).
 */

const redis = redisClient();
const prefix = testPrefix();
let sql: TestDatabase;
let history: HistoryStore;
let outbound: OutboundQueues;
let notices: CitizenNotices;
beforeAll(async () => {
  sql = await sqliteTestDatabase();
  history = new HistoryStore(sql.db);
  outbound = new OutboundQueues(redis, prefix);
  notices = new CitizenNotices({ outbound, history, log: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await outbound.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  await sql.drop();
});

const queuedFor = (conversationId: string): Promise<number> => outbound.of('telegram').pendingOf(conversationKey('telegram', conversationId));

/** A Telegram chat whose transcript (and so its conversation row) belongs to the citizen of `userId`. */
async function chatOf(userId: string): Promise<{ conversationId: string; citizenId: string }> {
  const citizenId = await history.citizenFor('telegram', userId);
  await history.recordMessages([{ channel: 'telegram', conversationId: userId, citizenId, direction: 'in', activityId: `in-${userId}`, text: 'hola', at: new Date() }]);
  return { conversationId: userId, citizenId };
}

describe('notices about a ticket', () => {
  it("reach the ticket's conversation when it is the owner's", async () => {
    const owner = await chatOf('1001');
    expect(await notices.sendAboutTicket({ channel: 'telegram', ...owner, locale: 'es', reference: 'ALU-2026-000001' }, 'Nota: brigada asignada')).toBe(true);
    expect(await queuedFor(owner.conversationId)).toBe(1);
  });

  it('reach a conversation with no transcript in SQL yet (the turn that filed the ticket was the owner\'s)', async () => {
    const citizenId = await history.citizenFor('telegram', '1002');
    expect(await notices.sendAboutTicket({ channel: 'telegram', conversationId: '1002', citizenId, locale: 'es', reference: 'ALU-2026-000002' }, 'Nota')).toBe(true);
    expect(await queuedFor('1002')).toBe(1);
  });

  it('never reach a conversation that belongs to another citizen', async () => {
    const owner = await history.citizenFor('telegram', '1003');
    const someoneElse = await chatOf('1004');
    const sent = await notices.sendAboutTicket({ channel: 'telegram', conversationId: someoneElse.conversationId, citizenId: owner, locale: 'es', reference: 'ALU-2026-000003' }, 'Nota: la vecina del 3º abrirá');
    expect(sent).toBe(false);
    expect(await queuedFor(someoneElse.conversationId)).toBe(0);
    expect((await history.transcript('telegram', someoneElse.conversationId)).map((l) => l.text)).toEqual(['hola']);
  });
});
