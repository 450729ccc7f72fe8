import type { Activity, TurnContext } from 'botbuilder';
import pino from 'pino';
import { expect, it } from 'vitest';
import { personalConversation } from '../../bot/activity';
import { ChannelRegistry } from '../../bot/channel-registry';
import { Metrics } from '../../bot/metrics';
import { ConversationStore } from '../../channels/webchat/conversation-store';
import { WebchatAdapter } from '../../channels/webchat/webchat-adapter';
import { t } from '../../dialogs/i18n';
import { createIngest, createInboundQueue } from '../../queues/inbound';
import { OutboundQueues } from '../../queues/outbound';
import { QueueAdapter } from '../../turns/queue-adapter';
import { RedisStorage } from '../../turns/redis-storage';
import { startTurnWorker } from '../../turns/turn-worker';
import { eventually, redisClient } from '../support/redis';
import { useRedisPrefix } from '../support/redis-prefix';

/*
 * The bot's replies are CommonMark for the channels (citizen text in them escaped: dialogs/i18n); the
 * transcript agents read on the console keeps them as the citizen read them, not as markup.
 */

const fx = useRedisPrefix();

it("writes the bot's replies to the transcript as the citizen read them, the citizen's words as typed", async () => {
  const conn = redisClient();
  const log = pino({ level: 'silent' });
  const inbound = createInboundQueue(conn, fx.prefix, undefined, log);
  const outbound = new OutboundQueues(conn, fx.prefix);
  const store = new ConversationStore(conn, fx.prefix);
  fx.closers.push(async () => { await inbound.close(); await outbound.close(); conn.disconnect(); });
  const bot = { run: async (ctx: TurnContext) => void (await ctx.sendActivity(t('es', 'summary.description', { description: ctx.activity.text ?? '' }))) };
  startTurnWorker({
    inbound, outbound, connection: conn.duplicate(), adapter: new QueueAdapter(),
    channels: new ChannelRegistry().add(new WebchatAdapter(store, log)),
    storage: new RedisStorage(conn, { prefix: `${fx.prefix}:state:` }), bot,
    citizens: { keysOf: () => [], resolve: async () => 'citizen-1' },
    transcript: { key: `${fx.prefix}:transcript`, encode: (ls) => ls.map((l) => `${l.direction} ${l.text ?? ''}`), nudge: () => undefined },
    citizenKey: 'citizen', holdKey: 'hold',
    apology: () => ({ type: 'message', text: 'sorry' }),
    metrics: new Metrics(), log, concurrency: 1,
  });
  await store.create('dl-1', 'u-1', 'es');
  const typed = '*urgente* <b>farola</b> _ya_';
  const message: Partial<Activity> = { type: 'message', id: 'm1', channelId: 'webchat', conversation: personalConversation('dl-1'), from: { id: 'u-1', name: '' }, text: typed };
  await createIngest(inbound)(message);

  await eventually(async () => (await fx.redis.llen(`${fx.prefix}:transcript`)) === 2, 20_000, 'the transcript lines');
  expect(await fx.redis.lrange(`${fx.prefix}:transcript`, 0, -1)).toEqual([`in ${typed}`, `out • Descripción: ${typed}`]);
  // The web chat got the CommonMark, escaped.
  const shown = (await store.read('dl-1', undefined, 10)).activities.find((a) => a.from?.role === 'bot');
  expect(shown?.text).toBe('• Descripción: \\*urgente\\* \\<b\\>farola\\</b\\> \\_ya\\_');
});
