import { randomInt, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentOf } from '../../channels/telegram/message-content';
import { TelegramUpdateSchema } from '../../channels/telegram/telegram-update';
import { localeOf, messageActivity, startActivity } from '../../channels/telegram/to-activity';
import { startTestApp, type RunningApp } from '../e2e/support';
import { redisClient } from '../support/redis';
import { freePort, TelegramEmulator } from '../support/telegram-emulator';
import { arbBody, arbContentType, arbDeepJson, arbJsonValue, arbMutated, capturingLogger, expectRefusal, Footprints, printStats, RawJson, RUNS, send, TIMEOUT, toJson } from './support';

/*
 * The Telegram webhook of the whole app (webhook mode against the Bot API emulator) and the update →
 * Activity parser, fed hostile input. Without the secret: 401/403 and nothing happens. With it: a 4xx
 * for what is not an update, 200 for an update (ignorable kinds included, documented: Telegram would
 * resend anything else for a day), never a 5xx, and a refused body leaves nothing behind.
 */

const token = `${randomInt(100_000, 999_999)}:fuzz-${randomUUID()}`;
const secret = `s3cret_${randomUUID().replace(/-/g, '')}`;
const logs = capturingLogger();
let emulator: TelegramEmulator;
let bot: RunningApp;
let redis: Redis;
let footprints: Footprints;
let webhookUrl: string;
const chatId = randomInt(1_000_000, 9_000_000);

const validUpdate = {
  update_id: 1,
  message: {
    message_id: 1, date: 1_767_225_600, chat: { id: chatId, type: 'private' },
    from: { id: chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }, text: 'hola',
  },
};
const validButton = {
  update_id: 2,
  callback_query: { id: 'cb-1', from: { id: chatId, is_bot: false, first_name: 'Ana' }, data: 'x', message: { message_id: 1, chat: { id: chatId, type: 'private' } } },
};

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
  bot = await startTestApp({
    PORT: String(port), TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: secret,
  }, {}, logs.log);
  redis = redisClient();
  footprints = new Footprints({ redis, prefix: bot.config.REDIS_PREFIX, sqlitePath: bot.sqlitePath });
  await footprints.settle();
});
afterAll(async () => {
  printStats();
  await redis?.quit();
  await bot?.stop();
  await emulator?.stop();
});

describe('Telegram webhook under fuzzing', { timeout: TIMEOUT }, () => {
  it('without the right secret: 401/403 for any body, and nothing happens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.oneof(fc.string({ maxLength: 80, unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) }), fc.constant(`${secret}x`), fc.constant(secret.slice(1)))),
        arbBody(validUpdate, 1_200_000), arbContentType,
        async (sent, body, contentType) => {
          const answer = await send(webhookUrl, { body, contentType, headers: sent === null ? {} : { 'x-telegram-bot-api-secret-token': sent } });
          expect([401, 403]).toContain(answer.status);
          await footprints.expectUnchanged('an unauthenticated webhook');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('with the secret: random, truncated, mutated, deep, oversized bodies and wrong content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbBody(validUpdate, 1_200_000), arbBody(validButton, 10)), arbContentType, async (body, contentType) => {
        const answer = await send(webhookUrl, { body, contentType, headers: { 'x-telegram-bot-api-secret-token': secret } });
        expectRefusal(answer, 'the telegram webhook', [200]);
        if (answer.status === 200) await footprints.settle(); // an update (maybe a valid message): its turn may run
        else await footprints.expectUnchanged('a refused telegram update');
      }),
      { numRuns: RUNS },
    );
    expect(logs.errors()).toEqual([]);
  });
});

describe('Telegram update parser under fuzzing', { timeout: TIMEOUT }, () => {
  const arbUpdate = fc.oneof(arbMutated(validUpdate), arbMutated(validButton), arbJsonValue, arbDeepJson.map((s) => new RawJson(`{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"x":${s}}}`)));

  it('validates any JSON without throwing, and turns every update it takes into an Activity', () => {
    fc.assert(
      fc.property(arbUpdate, (input) => {
        const raw = JSON.parse(toJson(input) ?? 'null') as unknown;
        const parsed = TelegramUpdateSchema.safeParse(raw);
        if (!parsed.success || !parsed.data.message) return;
        const msg = parsed.data.message;
        const origin = { id: `${msg.chat.id}:${msg.message_id}`, chatId: msg.chat.id, from: msg.from };
        const content = contentOf(msg);
        localeOf(msg.from);
        const activity = content.kind === 'start' ? startActivity(origin) : messageActivity(origin, content.kind === 'text' ? { text: content.text } : {});
        expect(JSON.stringify(activity)).toContain('"channelId":"telegram"');
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
