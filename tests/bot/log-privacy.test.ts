import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import { waitFor } from '../e2e/support';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

/*
 * The whole bot with the WhatsApp Cloud channel on, logging at debug level into memory: a citizen's
 * emergency phrase makes dialogs/interruptions warn with the conversation id, which is the citizen's
 * phone number. No line the real logger writes may carry it.
 */

const lines: string[] = [];
const prefix = testPrefix();
let graph: GraphApiServer;
let app: App;
let dataDir: string;

beforeAll(async () => {
  graph = await startGraphApiServer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'log-privacy-'));
  const config = loadConfig({
    NODE_ENV: 'test', ROLE: 'all', PORT: '0', HOST: '127.0.0.1', REDIS_PREFIX: prefix, DATA_DIR: dataDir,
    CATALOG: 'config/catalog.yaml', LOG_LEVEL: 'debug', TOKEN_RATE_LIMIT: '1000', ...whatsappEnv(graph),
  });
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  app = await startApp(config, createLogger('debug', {}, sink));
});
afterAll(async () => {
  await app?.stop();
  const redis = redisClient();
  await dropPrefix(redis, prefix).finally(() => redis.quit());
  await graph?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('phone numbers in the logs', () => {
  it('names a WhatsApp conversation in the emergency warning without the citizen\'s number', async () => {
    const waId = newWaId();
    expect((await postWebhook(app.url!, webhook(graph, { messages: [text(waId, 'huele a gas en toda la escalera')] }))).status).toBe(200);
    await waitFor(() => graph.messages.find((m) => m.to === waId && /llama YA al 112/.test(textOfMessage(m.body))), 'the emergency answer');
    const warning = await waitFor(() => lines.find((l) => l.includes('emergency: answered')), 'the emergency warning');
    expect(JSON.parse(warning)).toMatchObject({ level: 40, channel: 'whatsapp-cloud', conversationId: `…${waId.slice(-3)}` });
    // Nor any 7-digit part of it, anywhere, at any level.
    const pieces = Array.from({ length: waId.length - 6 }, (_, i) => waId.slice(i, i + 7));
    const leaks = lines.filter((l) => pieces.some((p) => l.includes(p)));
    expect(leaks).toEqual([]);
  });
});
