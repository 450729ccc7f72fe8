import { Writable } from 'node:stream';
import type { Activity, TurnContext } from 'botbuilder';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { personalConversation } from '../../bot/activity';
import { ChannelRegistry } from '../../bot/channel-registry';
import { Metrics } from '../../bot/metrics';
import { QueueAdapter } from '../../turns/queue-adapter';
import { RedisStorage } from '../../turns/redis-storage';
import { StagedConversationState } from '../../turns/turn-state';
import { ConversationStore } from '../../channels/webchat/conversation-store';
import { WebchatAdapter } from '../../channels/webchat/webchat-adapter';
import { createIngest, createInboundQueue } from '../../queues/inbound';
import { conversationKey } from '../../bot/conversation-key';
import { OutboundQueues } from '../../queues/outbound';
import { startTurnWorker } from '../../turns/turn-worker';
import { eventually, redisClient } from '../support/redis';
import { useRedisPrefix } from '../support/redis-prefix';

/*
 * Issue 12 part 8, through the real turn worker: dialog state in RedisStorage, replies delivered inline to
 * the web chat's Redis stream. A turn whose worker stalled past the conversation's lock (simulated here by
 * the lock expiring, or being taken by another worker, while the turn waits) commits nothing, sends
 * nothing and pops nothing; the message is answered exactly once, by the lock's next holder.
 */

const CONVERSATION = 'dl-conv-1';
const KEY = conversationKey('webchat', CONVERSATION);
const fx = useRedisPrefix();

/** A logger whose lines the test can read (the stale turn's end shows only there). */
function capturedLog() {
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({ write(chunk, _enc, next) { lines.push(JSON.parse(String(chunk)) as { msg: string }); next(); } });
  return { log: pino({ level: 'warn' }, sink), lines };
}

const message = (id: string, text: string): Partial<Activity> => ({
  type: 'message', id, channelId: 'webchat', conversation: personalConversation(CONVERSATION), from: { id: 'u-1', name: '' }, text,
});

/**
 * The app's turn worker with a one-step dialog: it counts the conversation's turns in dialog state and
 * answers "<text> → turn <n>". The first run of `stallOn` waits for `resume` (a frozen worker) and then
 * answers as a stale turn would, from the state it read before the freeze.
 */
function startWorker(stallOn: string) {
  const conn = redisClient();
  const { log, lines } = capturedLog();
  const inbound = createInboundQueue(conn, fx.prefix, undefined, log);
  const outbound = new OutboundQueues(conn, fx.prefix);
  const store = new ConversationStore(conn, fx.prefix);
  const storage = new RedisStorage(conn, { prefix: `${fx.prefix}:state:` });
  const state = new StagedConversationState(storage);
  const turns = state.createProperty<number>('turns');
  let stalled!: () => void;
  const isStalled = new Promise<void>((r) => (stalled = r));
  let resume!: () => void;
  const resumed = new Promise<void>((r) => (resume = r));
  let stalledOnce = false;
  const bot = {
    run: async (ctx: TurnContext) => {
      const n = await turns.get(ctx, 0);
      const stale = ctx.activity.id === stallOn && !stalledOnce;
      if (stale) {
        stalledOnce = true;
        stalled();
        await resumed;
      }
      await turns.set(ctx, n + 1);
      await ctx.sendActivity(`${ctx.activity.text} → turn ${n + 1}${stale ? ' (stale)' : ''}`);
      await state.saveChanges(ctx);
    },
  };
  startTurnWorker({
    inbound, outbound, connection: conn.duplicate(), adapter: new QueueAdapter(),
    channels: new ChannelRegistry().add(new WebchatAdapter(store, log)),
    storage, bot,
    citizens: { keysOf: () => [], resolve: async () => 'citizen-1' },
    transcript: { key: `${fx.prefix}:transcript`, encode: (ls) => ls.map((l) => `${l.direction} ${l.activityId}`), nudge: () => undefined },
    citizenKey: 'citizen', holdKey: 'hold',
    apology: () => ({ type: 'message', text: 'sorry' }),
    metrics: new Metrics(), log, concurrency: 4,
  });
  fx.closers.push(async () => { await inbound.close(); await outbound.close(); conn.disconnect(); });
  return { ingest: createIngest(inbound), store, storage, isStalled, resume, lines, outbound };
}

const said = async (store: ConversationStore) =>
  (await store.read(CONVERSATION, undefined, 100)).activities.filter((a) => a.from?.role === 'bot').map((a) => a.text);
const lockKey = `inbound:lock:${KEY}`;
/** What the lock's expiry leaves: no lock, and its deadline (as the queue records it) in the past. */
async function expire(): Promise<void> {
  await fx.redis.del(`${fx.prefix}:${lockKey}`);
  await fx.redis.zadd(`${fx.prefix}:inbound:held`, 0, KEY);
}

describe('turn worker fencing', () => {
  it.each([
    ['expires', 'expired'],
    ['is taken by another worker', 'taken'],
  ] as const)('a turn whose lock %s while it runs commits, sends and pops nothing; the message is answered once', async (_what, how) => {
    const w = startWorker('m1');
    await w.store.create(CONVERSATION, 'u-1', 'es');
    await w.ingest(message('m1', 'uno'));
    await w.ingest(message('m2', 'dos'));
    await w.isStalled;
    if (how === 'expired') {
      await expire();
      // The next holder answers both while the first turn is still frozen.
      await eventually(async () => (await said(w.store)).length === 2, 20_000, 'the next holder to answer');
    } else {
      await fx.redis.set(`${fx.prefix}:${lockKey}`, 'another-worker');
    }
    w.resume();
    // The stale turn ends: refused (a warning), or (what must not happen) answering.
    const staleEnded = async () => w.lines.some((l) => l.msg.startsWith('lost the lock')) || (await said(w.store)).some((t) => t?.includes('stale'));
    await eventually(staleEnded, 20_000, 'the stale turn to end');
    if (how === 'taken') await expire();
    await w.ingest(message('m3', 'tres'));
    await eventually(async () => (await said(w.store)).length >= 3, 20_000, 'the third answer');

    expect(await said(w.store)).toEqual(['uno → turn 1', 'dos → turn 2', 'tres → turn 3']);
    // Dialog state was not rolled back by the stale turn, and its transcript lines were not written.
    expect(JSON.parse((await w.storage.readJson([`webchat/conversations/${CONVERSATION}/`]))[0]!)).toMatchObject({ turns: 3 });
    expect(await fx.redis.lrange(`${fx.prefix}:transcript`, 0, -1)).toEqual(['in m1', 'out m1~r0', 'in m2', 'out m2~r0', 'in m3', 'out m3~r0']);
    expect(await fx.redis.llen(`${fx.prefix}:inbound:mbox:${KEY}`)).toBe(0);
    expect(await fx.redis.llen(w.outbound.mailboxOf('webchat', KEY))).toBe(0);
  });

  it('shows the replies of two runs of one message once: reply ids are the message id and the reply position', async () => {
    const conn = redisClient();
    fx.closers.push(async () => conn.disconnect());
    const store = new ConversationStore(conn, fx.prefix);
    await store.create(CONVERSATION, 'u-1', 'es');
    const webchat = new WebchatAdapter(store, pino({ level: 'silent' }));
    const adapter = new QueueAdapter();
    const ref = { channel: 'webchat' as const, conversationId: CONVERSATION, userId: 'u-1' };
    // Two runs of the same message's turn, e.g. a worker that froze past its lock and the one that took over.
    const ids: Array<string | undefined> = [];
    for (const run of ['first', 'second']) {
      const replies = await adapter.runTurn(message('m1', 'uno'), async (ctx) => {
        await ctx.sendActivity(`one (${run} run)`);
        await ctx.sendActivity(`two (${run} run)`);
      });
      ids.push(...replies.map((r) => r.id));
      await webchat.sendInline(ref, replies, `${fx.prefix}:idle-guard`);
    }
    expect(await said(store)).toEqual(['one (first run)', 'two (first run)']);
    expect(ids).toEqual(['m1~r0', 'm1~r1', 'm1~r0', 'm1~r1']);
  });
});
