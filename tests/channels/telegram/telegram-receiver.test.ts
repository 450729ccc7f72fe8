import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ingest } from '../../../bot/channel';
import { ChannelUnavailableError } from '../../../bot/errors';
import { MediaStore } from '../../../bot/media-store';
import { createTelegramChannel, type TelegramChannel } from '../../../channels/telegram';
import { dropPrefix, eventually, redisClient, testPrefix } from '../../support/redis';
import { TelegramChat } from '../../support/telegram-chat';
import { TelegramEmulator } from '../../support/telegram-emulator';

/*
 * The receiving side alone (long polling against telegram-test-api), with an ingest that records what
 * it is given and can be made to fail: an update is acknowledged only once stored, and a chat's
 * updates are stored in the order they were sent.
 */

let emulator: TelegramEmulator;
let redis: Redis;
let dir: string;
const prefix = testPrefix();
const running: TelegramChannel[] = [];

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  redis = redisClient();
  dir = await mkdtemp(path.join(tmpdir(), 'tg-'));
});
afterEach(async () => {
  for (const c of running.splice(0)) await c.adapter.stop();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

function channel(receive: boolean): { token: string; telegram: TelegramChannel } {
  const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
  const telegram = createTelegramChannel({
    token, apiRoot: emulator.apiRoot, receive, redis, prefix, media: new MediaStore(dir, 'http://127.0.0.1:1'),
    log: pino({ level: 'silent' }),
  });
  running.push(telegram);
  return { token, telegram };
}

describe('Telegram receiving', () => {
  it('retries an update until it is stored, and keeps the chat’s later updates behind it', async () => {
    const { token, telegram } = channel(true);
    const stored: Partial<Activity>[] = [];
    let failures = 2;
    const ingest: Ingest = async (a) => {
      if (a.text === 'primero' && failures-- > 0) throw new ChannelUnavailableError('redis is down');
      stored.push(a);
      return { id: a.id!, duplicate: false };
    };
    await telegram.adapter.start(ingest);
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    await c.say('primero');
    await c.say('segundo');
    await eventually(() => stored.length === 2, 10_000, 'both messages stored');
    expect(failures).toBe(-1);
    expect(stored.map((a) => a.text)).toEqual(['primero', 'segundo']);
    expect(stored[0]).toMatchObject({ channelId: 'telegram', conversation: { id: String(c.chatId) }, from: { id: String(c.chatId) }, locale: 'es' });
  });

  it('downloads a photo through getFile into the media store and ingests it as an image attachment', async () => {
    const { token, telegram } = channel(true);
    const stored: Partial<Activity>[] = [];
    await telegram.adapter.start(async (a) => (stored.push(a), { id: a.id!, duplicate: false }));
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]);
    await c.send({ caption: 'el bache', photo: [{ ...emulator.addFile(jpeg), width: 800, height: 600 }] });
    await eventually(() => stored.length === 1, 10_000, 'the photo stored');
    expect(stored[0]).toMatchObject({ text: 'el bache', attachments: [{ contentType: 'image/jpeg', contentUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:1\/media\/[\w-]{24}\.jpg$/) }] });
  });

  it('ingests a photo it cannot keep (not an image) without the file, so the engine says what it reads', async () => {
    const { token, telegram } = channel(true);
    const stored: Partial<Activity>[] = [];
    await telegram.adapter.start(async (a) => (stored.push(a), { id: a.id!, duplicate: false }));
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    await c.send({ photo: [{ ...emulator.addFile(Buffer.from('<svg onload="alert(1)"/>')), width: 10, height: 10 }] });
    await eventually(() => stored.length === 1, 5_000, 'the message ingested');
    expect(stored[0]).toMatchObject({ type: 'message', text: '' });
    expect(stored[0]?.attachments).toBeUndefined();
    expect(emulator.botMessages(token, c.chatId)).toEqual([]);
  });

  it('does not receive in a worker process, yet sends', async () => {
    const { token, telegram } = channel(false);
    const stored: Partial<Activity>[] = [];
    await telegram.adapter.start(async (a) => (stored.push(a), { id: a.id!, duplicate: false }));
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000));
    await c.say('hola');
    await new Promise((r) => setTimeout(r, 300));
    expect(stored).toEqual([]);
    await telegram.adapter.send({ channel: 'telegram', conversationId: String(c.chatId) }, [{ type: 'message', text: 'desde el worker' }]);
    expect((await c.next()).text).toBe('desde el worker');
    expect(telegram.adapter.health?.()).toEqual({ ok: true });
  });
});
