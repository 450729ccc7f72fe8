import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { createClassifier } from '../../dialogs/classify/create-classifier';
import { installLlmSafety, RedisCallLimiter, withCitizen } from '../../dialogs/llm-safety/index';
import { shipped } from './harness';
import { startModelServer, type ModelServer } from './model-server';

let redis: Redis;
let prefix: string;
let server: ModelServer;
beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  prefix = `t-llm-limit-${randomUUID()}`;
  server = await startModelServer(() => ({ json: { service: 'alumbrado', type: 'reclamo', confidence: 0.9, alternatives: [] } }));
});
afterAll(async () => {
  installLlmSafety({});
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await server.close();
});

describe('LLM_CALLS_PER_HOUR as the app wires it (installLlmSafety + createClassifier + Redis)', () => {
  it('holds across two classifiers (two workers) sharing Redis, per citizen', async () => {
    const config = loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'limit-test', LLM_MODE: 'llm', LLM_CALLS_PER_HOUR: '3' });
    installLlmSafety({ limiter: new RedisCallLimiter(redis, prefix, { limit: config.LLM_CALLS_PER_HOUR }), log: pino({ level: 'silent' }) });
    const { catalog, offline } = shipped();
    const [one, two] = await Promise.all([createClassifier(config, catalog, pino({ level: 'silent' })), createClassifier(config, catalog, pino({ level: 'silent' }))]);
    const text = 'la farola de la esquina parpadea';
    const results = [];
    for (const c of [one!, two!, one!, two!, one!]) results.push(await withCitizen('whatsapp:34600000001', () => c.classify(text)));
    expect(server.seen).toHaveLength(3);
    expect(results.slice(0, 3).every((r) => r.service === 'alumbrado')).toBe(true);
    expect(results.slice(3)).toEqual([await offline.classify(text), await offline.classify(text)]);
    // Another citizen still has a full allowance.
    expect((await withCitizen('telegram:42', () => two!.classify(text))).service).toBe('alumbrado');
    expect(server.seen).toHaveLength(4);
  }, 120_000); // trains two offline classifiers, on two cores shared with other suites
});
