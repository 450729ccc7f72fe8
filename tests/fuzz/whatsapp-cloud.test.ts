import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../channels/whatsapp-cloud/webhook-signature';
import { toActivity } from '../../channels/whatsapp-cloud/to-activity';
import { changesFor, webhookPayloadSchema } from '../../channels/whatsapp-cloud/webhook-payload';
import { startTestApp, type RunningApp } from '../e2e/support';
import { startGraphApiServer, type GraphApiServer } from '../support/graph-api-server';
import { redisClient } from '../support/redis';
import { APP_SECRET, location, newWaId, status, text, VERIFY_TOKEN, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';
import { arbBody, arbContentType, arbJsonValue, arbMutated, capturingLogger, expectRefusal, Footprints, printStats, RUNS, send, TIMEOUT, toJson } from './support';

/*
 * The WhatsApp Cloud webhook of the whole app, fed hostile input. The signature is checked first:
 * unsigned or wrongly signed bodies get 401/403 and nothing happens. Correctly signed bodies reach the
 * payload parser: 400 when malformed, 200 for a payload (valid, or of fields we ignore), never a 5xx,
 * and a refused body leaves nothing behind (no key, job, held message or SQL row).
 */

const logs = capturingLogger();
let graph: GraphApiServer;
let bot: RunningApp;
let redis: Redis;
let footprints: Footprints;
const waId = newWaId();
const hook = (): string => `${bot.url}/whatsapp/webhook`;

/** Odd timestamps Meta would never send: far future, negative, exponent notation, not a number. */
const arbTimestamp = fc.constantFrom('1e300', '99999999999999999999', '-1', 'NaN', '', '0', '1767225600.5', 'Infinity', '8640000000001');

beforeAll(async () => {
  graph = await startGraphApiServer();
  bot = await startTestApp(whatsappEnv(graph), {}, logs.log);
  redis = redisClient();
  footprints = new Footprints({ redis, prefix: bot.config.REDIS_PREFIX, sqlitePath: bot.sqlitePath });
  await footprints.settle();
});
afterAll(async () => {
  printStats();
  await redis?.quit();
  await bot?.stop();
  await graph?.close();
});

describe('WhatsApp Cloud webhook under fuzzing', { timeout: TIMEOUT }, () => {
  it('checks the signature first: unsigned or wrongly signed bodies get 401/403 and change nothing', async () => {
    const valid = webhook(graph, { messages: [text(waId, 'hola')] });
    await fc.assert(
      fc.asyncProperty(
        arbBody(valid, 3_500_000), arbContentType,
        fc.option(fc.oneof(fc.string({ maxLength: 80 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constant('sha256='), fc.constant(`sha256=${'0'.repeat(64)}`))),
        async (body, contentType, signature) => {
          const answer = await send(hook(), { body, contentType, headers: signature === null ? {} : { 'x-hub-signature-256': signature } });
          if (![401, 403, 413].includes(answer.status)) throw new Error(`answered ${answer.status}: ${answer.text.slice(0, 200)}`);
          await footprints.expectUnchanged('an unsigned webhook');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parses correctly signed random, truncated, mutated, deep and wrongly typed payloads without a 5xx', async () => {
    const valid = webhook(graph, { messages: [{ ...text(waId, 'hola'), timestamp: '1767225600' }], statuses: [status('wamid.x', waId, 'read')] });
    const withOddTime = arbTimestamp.map((timestamp) => toJson(webhook(graph, { messages: [{ ...location(newWaId(), 1, 2), timestamp }] })) ?? '');
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 10, arbitrary: arbBody(valid, 10) }, { weight: 1, arbitrary: withOddTime }), arbContentType, async (body, contentType) => {
        const raw = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
        const answer = await send(hook(), { body: raw, contentType, headers: { 'x-hub-signature-256': signatureOf(raw, APP_SECRET) } });
        expectRefusal(answer, 'the whatsapp webhook', [200]);
        if (answer.status === 200) await footprints.settle(); // a payload Meta could send: messages may be taken
        else await footprints.expectUnchanged('a refused whatsapp payload');
      }),
      { numRuns: RUNS },
    );
    expect(logs.errors()).toEqual([]);
  });

  it('answers the subscription check only with the verify token, whatever the query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge', 'x'), fc.oneof(fc.string(), fc.constant(VERIFY_TOKEN), fc.constant('subscribe'))), async (query) => {
        const qs = new URLSearchParams(query).toString();
        const answer = await send(`${hook()}?${qs}&hub.mode=%c0`, { method: 'GET' });
        expectRefusal(answer, 'GET webhook', [200]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('WhatsApp Cloud payload parser under fuzzing', { timeout: TIMEOUT }, () => {
  it('validates any payload without throwing anything but a ZodError, and every message it takes becomes an Activity', () => {
    const valid = webhook({ phoneNumberId: '123' } as GraphApiServer, { messages: [text('34600000000', 'hola')] });
    fc.assert(
      fc.property(fc.oneof(arbMutated(valid), arbJsonValue), (input) => {
        const parsed = webhookPayloadSchema.safeParse(JSON.parse(toJson(input) ?? 'null'));
        if (!parsed.success) return;
        let values;
        try {
          values = changesFor(parsed.data, '123');
        } catch (err) {
          expect((err as Error).name).toBe('ZodError');
          return;
        }
        for (const value of values) {
          for (const message of value.messages ?? []) {
            expect(() => JSON.stringify(toActivity(message, { botId: '123' }))).not.toThrow();
          }
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
