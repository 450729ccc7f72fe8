import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { personalConversation } from '../../bot/activity';
import type { ChannelAdapter } from '../../bot/channel';
import { ChannelRegistry } from '../../bot/channel-registry';
import { conversationKey } from '../../bot/conversation-key';
import { ChannelUnavailableError, DeliveryRejectedError, LlmUnavailableError } from '../../bot/errors';
import { createHttpApp, finishHttpApp } from '../../bot/http-app';
import { createLogger } from '../../bot/logger';
import { Metrics } from '../../bot/metrics';
import { countWebSocket } from '../../bot/websocket-metrics';
import { createWebhookRouter } from '../../channels/telegram/webhook-router';
import { createWebhookRouter as createWhatsAppWebhookRouter, WEBHOOK_PATH } from '../../channels/whatsapp-cloud/webhook-router';
import type { WebhookHandler } from '../../channels/whatsapp-cloud/webhook-handler';
import { createWebhookStatusRouter, STATUS_PATH } from '../../connectors/webhook/status-receiver';
import { NONE, type Classification, type Classifier } from '../../dialogs/classify/classifier';
import { HybridClassifier } from '../../dialogs/classify/hybrid-classifier';
import { measuredClassifier } from '../../dialogs/classify/measured-classifier';
import { createIngest, createInboundQueue } from '../../queues/inbound';
import { deliver, OutboundQueues, startOutboundWorkers } from '../../queues/outbound';
import { QueueAdapter } from '../../turns/queue-adapter';
import { RedisStorage } from '../../turns/redis-storage';
import { startTurnWorker } from '../../turns/turn-worker';
import { eventually, redisClient } from '../support/redis';
import { useRedisPrefix } from '../support/redis-prefix';

/*
 * The counters an operator alerts on move when their event happens (issue 14 part 7): read back from the
 * registry, as Prometheus would scrape them. Real Redis and real queues; channels and classifiers are
 * small test doubles, since what is counted is their failure.
 */

const log = createLogger('silent');
const fx = useRedisPrefix();

/** The value of one series, by its labels (0 when it has not been created). */
async function valueOf(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, x]) => String((v.labels as Record<string, unknown>)[k]) === x)
    && (!('metricName' in v) || v.metricName === name || v.metricName === `${name}_count`));
  return match?.value ?? 0;
}

/** A channel whose every send fails with `error`. */
function failingChannel(error: () => Error): ChannelAdapter {
  return {
    id: 'telegram',
    capabilities: { maxButtons: 3, maxListRows: 0, choices: 'buttons', maxButtonTitle: 20, markup: 'plain' } as ChannelAdapter['capabilities'],
    start: async () => undefined,
    stop: async () => undefined,
    send: async () => { throw error(); },
  };
}

const ref = { channel: 'telegram' as const, conversationId: 'c-1', userId: 'u-1' };

describe('turns', () => {
  it('a turn that throws counts as failed on every attempt, and as dead once it has failed them all', async () => {
    const metrics = new Metrics({ defaults: false });
    const conn = redisClient();
    const inbound = createInboundQueue(conn, fx.prefix, undefined, log);
    const outbound = new OutboundQueues(conn, fx.prefix);
    fx.closers.push(async () => { await inbound.close(); await outbound.close(); conn.disconnect(); });
    startTurnWorker({
      inbound, outbound, connection: conn.duplicate(), adapter: new QueueAdapter(), channels: new ChannelRegistry(),
      storage: new RedisStorage(conn, { prefix: `${fx.prefix}:state:` }),
      bot: { run: async () => { throw new Error('the dialog broke'); } },
      citizens: { keysOf: () => [], resolve: async () => 'citizen-1' },
      transcript: { key: `${fx.prefix}:transcript`, encode: () => [], nudge: () => undefined },
      citizenKey: 'citizen', holdKey: 'hold', apology: () => ({ type: 'message', text: 'sorry' }),
      metrics, log, concurrency: 2,
    });
    const activity: Partial<Activity> = { type: 'message', id: 'm1', channelId: 'webchat', conversation: personalConversation('dl-1'), from: { id: 'u-1', name: '' }, text: 'hola' };
    await createIngest(inbound)(activity);
    await eventually(async () => (await valueOf(metrics, 'citybot_turns_dead_total', { channel: 'webchat' })) === 1, 60_000, 'the message to be dead-lettered');
    // maxTries is 5 (queues/inbound.ts): five failed attempts, then the dead letter.
    expect(await valueOf(metrics, 'citybot_turns_failed_total', { channel: 'webchat' })).toBe(5);
    expect(await fx.redis.llen(outbound.mailboxOf('webchat', conversationKey('webchat', 'dl-1')))).toBe(1);
  });
});

describe('channel sends and deliveries', () => {
  it('counts a send failure by channel, code and whether it will be retried', async () => {
    const metrics = new Metrics({ defaults: false });
    const permanent = new ChannelRegistry().add(failingChannel(() => new DeliveryRejectedError('blocked by the user')));
    await deliver(permanent, { ref, activities: [{ type: 'message', text: 'x' }] }, metrics, log);
    expect(await valueOf(metrics, 'citybot_channel_send_failures_total', { channel: 'telegram', code: 'E_DELIVERY_REJECTED', retryable: 'false' })).toBe(1);

    const retryable = new ChannelRegistry().add(failingChannel(() => new ChannelUnavailableError('502 from the platform')));
    await expect(deliver(retryable, { ref, activities: [{ type: 'message', text: 'x' }] }, metrics, log)).rejects.toThrow(ChannelUnavailableError);
    expect(await valueOf(metrics, 'citybot_channel_send_failures_total', { channel: 'telegram', code: 'E_CHANNEL_UNAVAILABLE', retryable: 'true' })).toBe(1);
  });

  it('counts a reply abandoned after its last delivery attempt', async () => {
    const metrics = new Metrics({ defaults: false });
    const conn = redisClient();
    const outbound = new OutboundQueues(conn, fx.prefix, { maxTries: 1, backoffMs: 50 });
    fx.closers.push(async () => { await outbound.close(); conn.disconnect(); });
    const channel = failingChannel(() => new ChannelUnavailableError('platform down'));
    const channels = new ChannelRegistry().add(channel);
    startOutboundWorkers({ outbound, channels, serve: [channel], connection: () => conn.duplicate(), redis: conn, prefix: fx.prefix, metrics, log, concurrency: 1 });
    await outbound.push('k-1', { ref, activities: [{ type: 'message', text: 'x' }] });
    await eventually(async () => (await valueOf(metrics, 'citybot_deliveries_abandoned_total', { channel: 'telegram' })) === 1, 30_000, 'the reply to be abandoned');
    // maxTries 1: the one attempt failed, and the next time the item came up it was dead-lettered unsent.
    expect(await valueOf(metrics, 'citybot_channel_send_failures_total', { channel: 'telegram', code: 'E_CHANNEL_UNAVAILABLE', retryable: 'true' })).toBe(1);
  });
});

describe('HTTP and webhooks', () => {
  it('counts requests by route pattern and status class, and a webhook refused for its secret by source and reason', async () => {
    const metrics = new Metrics({ defaults: false });
    const app = createHttpApp({ redis: fx.redis, metrics, channels: new ChannelRegistry(), log, pingDatabase: async () => undefined });
    app.use(createWebhookRouter({ path: '/telegram/hook', secret: 'the-right-secret', handle: async () => undefined, log }));
    // Refused requests never reach the handler: none is needed.
    app.use(createWhatsAppWebhookRouter({ appSecret: 'app-secret', verifyToken: 'verify', handler: {} as unknown as WebhookHandler, log }));
    app.use(createWebhookStatusRouter({ secret: 'city-secret-0123456789', redis: fx.redis, prefix: `${fx.prefix}:seen`, log, onStatus: async () => undefined }));
    finishHttpApp(app, log);
    const server = createServer(app).listen(0, '127.0.0.1');
    fx.closers.push(() => new Promise((r) => server.close(r)));
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await fetch(`${url}/healthz`);
    await fetch(`${url}/no/such/path/123`);
    const post = (secret?: string) => fetch(`${url}/telegram/hook`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) }, body: '{}',
    });
    expect((await post('wrong')).status).toBe(403);
    expect((await post()).status).toBe(401);
    expect((await post('the-right-secret')).status).toBe(200);

    expect(await valueOf(metrics, 'citybot_http_requests_total', { method: 'GET', route: '/healthz', status: '2xx' })).toBe(1);
    // Paths no route matched share one label: ids in paths never make a series each.
    expect(await valueOf(metrics, 'citybot_http_requests_total', { method: 'GET', route: 'unmatched', status: '4xx' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_http_requests_total', { method: 'POST', route: '/telegram/hook', status: '4xx' })).toBe(2);
    expect(await valueOf(metrics, 'citybot_webhook_refusals_total', { source: 'telegram', reason: 'bad_secret' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_webhook_refusals_total', { source: 'telegram', reason: 'missing_secret' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_http_request_duration_seconds', { method: 'GET', route: '/healthz' })).toBe(1);

    const whatsapp = (signature?: string) => fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', headers: signature ? { 'x-hub-signature-256': signature } : {}, body: '{}' });
    expect((await whatsapp()).status).toBe(401);
    expect((await whatsapp(`sha256=${'0'.repeat(64)}`)).status).toBe(403);
    expect(await valueOf(metrics, 'citybot_webhook_refusals_total', { source: 'whatsapp_cloud', reason: 'missing_signature' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_webhook_refusals_total', { source: 'whatsapp_cloud', reason: 'bad_signature' })).toBe(1);
    const status = await fetch(`${url}${STATUS_PATH}`, { method: 'POST', headers: { 'x-timestamp': String(Math.floor(Date.now() / 1_000)), 'x-signature': 'sha256=00' }, body: '{}' });
    expect(status.status).toBe(401);
    expect(await valueOf(metrics, 'citybot_webhook_refusals_total', { source: 'backoffice', reason: 'bad_signature' })).toBe(1);
  });

  it('counts open WebSockets and their frames each way', async () => {
    const metrics = new Metrics({ defaults: false });
    const server: Server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const wss = new WebSocketServer({ server });
    fx.closers.push(() => new Promise((r) => { wss.close(); server.close(r); }));
    wss.on('connection', (ws) => {
      countWebSocket(ws, 'console', metrics);
      ws.on('message', () => ws.send('pong'));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await once(client, 'open');
    client.send('ping');
    await once(client, 'message');
    expect(await valueOf(metrics, 'citybot_websocket_connections', { endpoint: 'console' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_websocket_messages_total', { endpoint: 'console', direction: 'in' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_websocket_messages_total', { endpoint: 'console', direction: 'out' })).toBe(1);
    client.close();
    await eventually(async () => (await valueOf(metrics, 'citybot_websocket_connections', { endpoint: 'console' })) === 0, 5_000, 'the socket to be counted closed');
  });
});

describe('classification', () => {
  const reading = (service: string, confidence: number): Classification => ({ service, type: 'reclamo', confidence, alternatives: [], locale: 'es' });
  const fixed = (r: Classification): Classifier => ({ kind: 'offline', classify: async () => r });

  it('counts classified and unclassified readings and records their confidence', async () => {
    const metrics = new Metrics({ defaults: false });
    await measuredClassifier(fixed(reading('alumbrado', 0.92)), metrics).classify('la farola no funciona');
    await measuredClassifier(fixed(reading(NONE, 0.3)), metrics).classify('hola');
    expect(await valueOf(metrics, 'citybot_classifications_total', { outcome: 'classified' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_classifications_total', { outcome: 'unclassified' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_classification_confidence')).toBe(2);
  });

  it('times model calls and counts fallbacks to the offline answer, a skipped call apart from a failed one', async () => {
    const metrics = new Metrics({ defaults: false });
    const offline = { classify: async () => reading(NONE, 0.2), threshold: 0.5, detectLocale: () => 'es' as const };
    const failing = (err: Error): Classifier => ({ kind: 'llm', classify: async () => { throw err; } });
    await new HybridClassifier({ offline, llm: fixed(reading('alumbrado', 0.8)), mode: 'hybrid', metrics }).classify('la farola');
    await new HybridClassifier({ offline, llm: failing(new Error('timeout')), mode: 'hybrid', metrics }).classify('la farola');
    await new HybridClassifier({ offline, llm: failing(new Error('skipped', { cause: new LlmUnavailableError('allowance spent') })), mode: 'hybrid', metrics }).classify('la farola');
    expect(await valueOf(metrics, 'citybot_llm_request_duration_seconds', { outcome: 'ok' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_llm_request_duration_seconds', { outcome: 'failed' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_llm_fallbacks_total', { reason: 'error' })).toBe(1);
    expect(await valueOf(metrics, 'citybot_llm_fallbacks_total', { reason: 'skipped' })).toBe(1);
  });
});
