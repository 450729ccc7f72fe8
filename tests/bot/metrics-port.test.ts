import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcesses, freePort } from '../support/bot-processes';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { DlConversation, waitFor } from '../e2e/support';

/*
 * Every role serves Prometheus metrics on its own METRICS_PORT, a worker (which has no public port)
 * included, and the public Direct Line port has no /metrics (issue 14 part 7). Real `bot/main.ts`
 * processes: one ROLE=web, one ROLE=worker, sharing Redis and SQLite.
 */

const prefix = testPrefix();
let dataDir: string;
let redis: Redis;
let baseUrl: string;
let webMetrics: string;
let workerMetrics: string;
let bots: BotProcesses | undefined;
let conversation: DlConversation | undefined;

const scrape = async (url: string): Promise<string | undefined> => {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  return res?.ok ? res.text() : undefined;
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'metrics-port-'));
  redis = redisClient();
  bots = new BotProcesses({ prefix, dataDir });
  const workerPort = await freePort();
  workerMetrics = `http://127.0.0.1:${workerPort}`;
  bots.start({ ROLE: 'worker', METRICS_PORT: String(workerPort) });
  const webPort = await freePort();
  webMetrics = `http://127.0.0.1:${webPort}`;
  baseUrl = await bots.startWeb({ METRICS_PORT: String(webPort) });
  await waitFor(() => scrape(workerMetrics), 'the worker metrics server', 60_000);
}, 180_000);

afterAll(async () => {
  conversation?.end();
  await bots?.stopAll();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('metrics on METRICS_PORT', () => {
  it('the public port has no /metrics', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
  });

  it('the metrics port answers GET /metrics only', async () => {
    expect((await fetch(`${webMetrics}/`)).status).toBe(404);
    expect((await fetch(`${webMetrics}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('a web chat message shows in both: HTTP on the web process, the turn on the worker; Node defaults unprefixed', async () => {
    conversation = await DlConversation.open(baseUrl);
    await conversation.botSays(/Hola/, 30_000);
    await conversation.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana', 30_000);

    const web = (await scrape(webMetrics))!;
    expect(web).toMatch(/^citybot_http_requests_total\{method="POST",route="\/v3\/directline\/conversations\/:id\/activities",status="2xx"\} [1-9]/m);
    expect(web).toMatch(/^citybot_websocket_connections\{endpoint="directline"\} 1$/m);
    expect(web).toMatch(/^citybot_channel_up\{channel="webchat"\} 1$/m);

    const worker = await waitFor(async () => {
      const text = await scrape(workerMetrics);
      return text && /^citybot_messages_total\{channel="webchat",direction="in"\} [1-9]/m.test(text) ? text : undefined;
    }, 'the worker to count the message', 20_000);
    expect(worker).toMatch(/^citybot_turn_duration_seconds_count\{channel="webchat"\} [1-9]/m);
    expect(worker).toMatch(/^citybot_classifications_total\{outcome="(?:un)?classified"\} [1-9]/m);
    // Shared-state gauges are read in every role: the catalog's teams, and the review list.
    expect(worker).toMatch(/^citybot_handoffs_waiting\{team="[a-z_-]+"\} 0$/m);
    expect(worker).toMatch(/^citybot_backoffice_review_tickets 0$/m);

    for (const text of [web, worker]) {
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(text).not.toMatch(/^citybot_process_/m);
    }
  });
});
