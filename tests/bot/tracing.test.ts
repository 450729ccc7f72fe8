import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcesses, freePort } from '../support/bot-processes';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { DlConversation, REFERENCE, waitFor } from '../e2e/support';

/*
 * OpenTelemetry (issue 14 part 7): with OTEL_EXPORTER_OTLP_ENDPOINT set, a web chat message that files a
 * complaint makes ONE trace from the channel to the reply, across two real processes (ROLE=web receives,
 * ROLE=worker runs the turn) and the queues between them: `webchat receive` (web) → `turn` (worker) →
 * `webchat send` and `backoffice submit` (the ticket's delivery to the city's webhook). The collector is
 * a plain HTTP server here that takes OTLP/HTTP JSON on POST /v1/traces.
 */

interface ReceivedSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; service: string }

const SECRET = 'city-shared-secret-0123456789';
const prefix = testPrefix();
let dataDir: string;
let redis: Redis;
let collector: Server;
let city: WebhookReceiver;
let baseUrl: string;
const spans: ReceivedSpan[] = [];
let bots: BotProcesses | undefined;
let conversation: DlConversation | undefined;

/** A minimal OTLP/HTTP receiver: JSON (the SDK's http exporter), gzip or not. */
function startCollector(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      if (!/json/.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end('JSON only');
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(String(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw)) as {
        resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Omit<ReceivedSpan, 'service'>[] }> }>;
      };
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }).listen(0, '127.0.0.1');
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tracing-'));
  redis = redisClient();
  collector = startCollector();
  await once(collector, 'listening');
  city = await startWebhookReceiver(SECRET);
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    // Export every 100 ms rather than every 5 s, so the test need not wait.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    TICKET_CONNECTOR: 'webhook', WEBHOOK_URL: city.url, WEBHOOK_SECRET: SECRET,
    METRICS_PORT: '0',
  };
  bots = new BotProcesses({ prefix, dataDir }, env);
  bots.start({ ROLE: 'worker', PORT: String(await freePort()) });
  baseUrl = await bots.startWeb();
}, 180_000);

afterAll(async () => {
  conversation?.end();
  await bots?.stopAll();
  await city?.close();
  await new Promise((r) => collector?.close(r));
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('one trace goes from the web chat message to the reply and the back-office call, across the web and worker processes', async () => {
    conversation = await DlConversation.open(baseUrl);
    await conversation.botSays(/Hola/, 60_000);
    await conversation.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana', 30_000);
    const done = (await conversation.ask('Enviar', 30_000)).reply.text ?? '';
    expect(done).toMatch(REFERENCE);
    await waitFor(() => (city.creations === 1 ? true : undefined), 'the ticket at the city', 30_000);

    // The back office call's trace is the "Enviar" message's: every span of it must have reached the collector.
    const trace = await waitFor(() => {
      const submit = spans.find((s) => s.name === 'backoffice submit');
      const of = submit ? spans.filter((s) => s.traceId === submit.traceId) : [];
      return ['webchat receive', 'turn', 'webchat send'].every((n) => of.some((s) => s.name === n)) ? of : undefined;
    }, 'the spans of the trace', 30_000);

    const one = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const receive = one('webchat receive');
    const turn = one('turn');
    const send = one('webchat send');
    const submit = one('backoffice submit');
    expect(receive.parentSpanId).toBeUndefined();
    expect(receive.service).toBe('citizen-bot-web');
    // Through the inbound queue into the other process.
    expect(turn.parentSpanId).toBe(receive.spanId);
    expect(turn.service).toBe('citizen-bot-worker');
    // The reply and the ticket's delivery (a BullMQ job) both continue the turn.
    expect(send.parentSpanId).toBe(turn.spanId);
    expect(submit.parentSpanId).toBe(turn.spanId);
    expect(submit.service).toBe('citizen-bot-worker');
  });
});
