import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../connectors/webhook/webhook-signature';
import { startTestApp, type RunningApp } from '../e2e/support';
import { redisClient } from '../support/redis';
import { arbBody, arbContentType, capturingLogger, expectRefusal, Footprints, printStats, RUNS, send, TIMEOUT } from './support';

/*
 * The webhook connector's status endpoint (`POST /connectors/webhook/status`) of the whole app, fed
 * hostile input. Unsigned, wrongly signed or stale: 401. Correctly signed: 400 for what is not a
 * status update, 422 for an update of a ticket we do not have (there is none here), never a 5xx; and
 * nothing is left behind, not even the replay marker of a refused update.
 */

const SECRET = 'fuzz-webhook-secret-0123456789';
const logs = capturingLogger();
let bot: RunningApp;
let redis: Redis;
let footprints: Footprints;
const statusUrl = (): string => `${bot.url}/connectors/webhook/status`;
const validUpdate = { event: 'ticket.status', id: 'CITY-1', reference: 'ALU-2026-000123', status: 'resolved', note: 'lamp replaced', updatedAt: '2026-03-11T09:30:00Z' };

beforeAll(async () => {
  bot = await startTestApp({ WEBHOOK_URL: 'http://127.0.0.1:9/tickets', WEBHOOK_SECRET: SECRET }, {}, logs.log);
  redis = redisClient();
  footprints = new Footprints({ redis, prefix: bot.config.REDIS_PREFIX, sqlitePath: bot.sqlitePath });
  await footprints.settle();
});
afterAll(async () => {
  printStats();
  await redis?.quit();
  await bot?.stop();
});

const nowSeconds = (): number => Math.floor(Date.now() / 1_000);

describe('webhook status endpoint under fuzzing', { timeout: TIMEOUT }, () => {
  it('refuses unsigned, wrongly signed and stale requests with 401 whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbBody(validUpdate, 70_000), arbContentType,
        fc.record({
          timestamp: fc.option(fc.oneof(fc.constant(String(nowSeconds())), fc.constant(String(nowSeconds() - 3_600)), fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)))),
          signature: fc.option(fc.oneof(fc.constant(`sha256=${'a'.repeat(64)}`), fc.string({ maxLength: 80 }).filter((s) => /^[\x20-\x7e]*$/.test(s)))),
        }),
        async (body, contentType, { timestamp, signature }) => {
          const headers: Record<string, string> = {};
          if (timestamp !== null) headers['x-timestamp'] = timestamp;
          if (signature !== null) headers['x-signature'] = signature;
          const answer = await send(statusUrl(), { body, contentType, headers });
          if (![401, 413].includes(answer.status)) throw new Error(`answered ${answer.status}: ${answer.text.slice(0, 200)}`);
          await footprints.expectUnchanged('an unsigned status update');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers correctly signed random, truncated, mutated, deep and oversized bodies with a 4xx and keeps no marker', async () => {
    await fc.assert(
      fc.asyncProperty(arbBody(validUpdate, 70_000), arbContentType, async (body, contentType) => {
        const raw = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
        const timestamp = nowSeconds();
        const answer = await send(statusUrl(), { body: raw, contentType, headers: { 'x-timestamp': String(timestamp), 'x-signature': sign(SECRET, timestamp, raw) } });
        expectRefusal(answer, 'the status webhook');
        await footprints.expectUnchanged('a refused status update');
      }),
      { numRuns: RUNS },
    );
    expect(logs.errors()).toEqual([]);
  });
});
