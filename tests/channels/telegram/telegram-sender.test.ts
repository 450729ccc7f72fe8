import { randomInt, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { Telegram } from 'telegraf';
import { MemorySendProgress } from '../../support/send-progress';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../bot/channel';
import { ChannelUnavailableError, DeliveryRejectedError, UnknownConversationError } from '../../../bot/errors';
import { NumberedChoices } from '../../../channels/render';
import { BotApi } from '../../../channels/telegram/bot-api';
import { CallbackData } from '../../../channels/telegram/callback-data';
import { TelegramSender } from '../../../channels/telegram/telegram-sender';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';
import { freePort, TelegramEmulator } from '../../support/telegram-emulator';

/* TelegramSender over real HTTP (telegram-test-api) and real Redis: what a worker process does with a turn's replies. */

const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let redis: Redis;
let prefix: string;
let sender: TelegramSender;
let ref: ConversationRef;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  redis = redisClient();
});
beforeEach(() => {
  prefix = testPrefix();
  sender = new TelegramSender(new BotApi(new Telegram(token, { apiRoot: emulator.apiRoot })), redis, prefix);
  ref = { channel: 'telegram', conversationId: String(randomInt(1_000_000, 9_000_000)) };
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
  await emulator?.stop();
});

const sent = () => emulator.botMessages(token, ref.conversationId);
const choices = (text: string, values: string[], id = randomUUID()): Partial<Activity> => ({
  type: 'message', id, text, suggestedActions: { to: [], actions: values.map((v) => ({ type: 'imBack', title: v, value: v })) },
});

describe('TelegramSender', () => {
  it('sends HTML with citizen text escaped, and choices as an inline keyboard whose callback_data is the value', async () => {
    await sender.send(ref, [choices('¿Es **correcto**? <script>&', ['Sí', 'No'])]);
    expect(sent()).toMatchObject([{
      text: '¿Es <b>correcto</b>? &lt;script&gt;&amp;',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Sí', callback_data: 'Sí' }, { text: 'No', callback_data: 'No' }]] },
    }]);
  });

  it('keeps a value over 64 bytes in Redis and sends a short key as callback_data', async () => {
    const long = `Servicio de ${'mantenimiento '.repeat(6)}de parques y jardines`;
    await sender.send(ref, [choices('¿Cuál?', [long, 'Otro'])]);
    const [first, second] = sent()[0]!.reply_markup!.inline_keyboard!.flat();
    expect(Buffer.byteLength(first!.callback_data)).toBeLessThanOrEqual(64);
    expect(first!.callback_data).not.toBe(long);
    expect(first!.text.length).toBeLessThanOrEqual(60);
    expect(await new CallbackData(redis, prefix).decode(first!.callback_data)).toBe(long);
    expect(second!.callback_data).toBe('Otro');
  });

  it('splits a 10,000-character reply into messages of at most 4096 characters', async () => {
    await sender.send(ref, [{ type: 'message', id: randomUUID(), text: 'Una frase de prueba bastante normal. '.repeat(270) }]);
    expect(sent().length).toBe(3);
    for (const m of sent()) expect(m.text!.length).toBeLessThanOrEqual(4096);
  });

  it('numbers more than a dozen options and remembers them, so "13" maps back to the last value', async () => {
    const values = Array.from({ length: 13 }, (_, i) => `Opción ${i + 1}`);
    await sender.send(ref, [choices('¿Sobre qué es?', values)]);
    const [m] = sent();
    expect(m!.reply_markup).toBeUndefined();
    expect(m!.text).toContain('\n13. Opción 13');
    expect(await new NumberedChoices(redis, { prefix }).resolve('telegram', ref.conversationId, '13')).toBe('Opción 13');
  });

  it('sends photos with sendPhoto, a typing activity as a chat action, and a photo Telegram cannot fetch as a link', async () => {
    await sender.send(ref, [
      { type: 'typing', id: randomUUID() },
      { type: 'message', id: randomUUID(), text: 'Tu foto', attachments: [{ contentType: 'image/png', contentUrl: 'https://city.example/media/a.png' }] },
    ]);
    expect(emulator.chatActions).toContainEqual({ chat_id: ref.conversationId, action: 'typing' });
    expect(sent()).toMatchObject([{ photo: 'https://city.example/media/a.png' }, { text: 'Tu foto' }]);

    emulator.failNext('sendPhoto', { error_code: 400, description: 'Bad Request: wrong file identifier/HTTP URL specified' }, ref.conversationId);
    await sender.send(ref, [{ type: 'message', id: randomUUID(), attachments: [{ contentType: 'image/png', contentUrl: 'https://city.example/media/b.png?x=1&y=2' }] }]);
    expect(sent().at(-1)).toMatchObject({ text: 'https://city.example/media/b.png?x=1&amp;y=2', parse_mode: 'HTML' });
  });

  it('uploads a file as a document (Telegram fetches only PDF and ZIP by URL), and sends a file it cannot read as a link', async () => {
    const json = Buffer.from(JSON.stringify({ citizen: 'z1', tickets: [] }));
    const files = createServer((req, res) => {
      if (req.url === '/media/mis-datos.json') res.writeHead(200, { 'content-type': 'application/json' }).end(json);
      else res.writeHead(404).end('not found');
    });
    files.listen(0, '127.0.0.1');
    await once(files, 'listening');
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      await sender.send(ref, [{
        type: 'message', id: randomUUID(), text: 'Aquí tienes tus datos',
        attachments: [{ contentType: 'application/json', contentUrl: `${base}/media/mis-datos.json`, name: 'mis-datos.json' }],
      }]);
      const [doc, text] = sent();
      expect(doc!.document).toMatchObject({ filename: 'mis-datos.json' });
      expect(doc!.document!.data.equals(json)).toBe(true);
      expect(text).toMatchObject({ text: 'Aquí tienes tus datos' });

      await sender.send(ref, [{ type: 'message', id: randomUUID(), attachments: [{ contentType: 'application/pdf', contentUrl: `${base}/media/gone.pdf`, name: 'gone.pdf' }] }]);
      expect(sent().at(-1)).toMatchObject({ text: `gone.pdf: ${base}/media/gone.pdf`, parse_mode: 'HTML' });
    } finally {
      files.close();
    }
  });

  it('resumes a batch after a retryable failure without sending its first messages twice', async () => {
    const batch: Partial<Activity>[] = ['a', 'b', 'c'].map((text) => ({ type: 'message', id: randomUUID(), text }));
    const progress = new MemorySendProgress();
    emulator.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, ref.conversationId, 1);
    await expect(sender.send(ref, batch, progress)).rejects.toBeInstanceOf(ChannelUnavailableError);
    expect(sent().map((m) => m.text)).toEqual(['a']);
    await sender.send(ref, batch, progress); // the outbound queue's retry
    expect(sent().map((m) => m.text)).toEqual(['a', 'b', 'c']);
    await sender.send(ref, batch, progress); // delivered once more (a worker died after sending): nothing new
    expect(sent().map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });

  it('maps a blocked bot (403) and an unknown chat to UnknownConversationError, which is not retried', async () => {
    emulator.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, ref.conversationId);
    const blocked = await sender.send(ref, [{ type: 'message', id: randomUUID(), text: 'hola' }]).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(UnknownConversationError);
    expect((blocked as UnknownConversationError).retryable).toBe(false);
    expect(JSON.stringify((blocked as Error).cause?.toString())).not.toContain('hola'); // the text never travels in the error

    emulator.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' }, ref.conversationId);
    await expect(sender.send(ref, [{ type: 'message', id: randomUUID(), text: 'hola' }])).rejects.toBeInstanceOf(UnknownConversationError);
  });

  it('maps 429, 5xx and an unreachable API to the retryable ChannelUnavailableError, other 4xx to DeliveryRejectedError', async () => {
    const one = (): Partial<Activity>[] => [{ type: 'message', id: randomUUID(), text: 'hola' }];
    emulator.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }, ref.conversationId);
    const limited = await sender.send(ref, one()).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChannelUnavailableError);
    expect((limited as ChannelUnavailableError).retryable).toBe(true);
    emulator.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, ref.conversationId);
    await expect(sender.send(ref, one())).rejects.toBeInstanceOf(ChannelUnavailableError);
    emulator.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' }, ref.conversationId);
    await expect(sender.send(ref, one())).rejects.toBeInstanceOf(DeliveryRejectedError);

    const closed = new TelegramSender(new BotApi(new Telegram(token, { apiRoot: `http://127.0.0.1:${await freePort()}` })), redis, prefix);
    await expect(closed.send(ref, one())).rejects.toBeInstanceOf(ChannelUnavailableError);
  });

  it('falls back to plain text when Telegram cannot parse the HTML', async () => {
    emulator.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unexpected end tag" }, ref.conversationId);
    await sender.send(ref, [{ type: 'message', id: randomUUID(), text: '**Hola** & <adiós>' }]);
    expect(sent()).toMatchObject([{ text: 'Hola & <adiós>' }]);
    expect(sent()[0]!.parse_mode).toBeUndefined();
  });
});
