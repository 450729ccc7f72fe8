import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import pino from 'pino';
import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { MediaStore, SHARED_MEDIA_TTL_S } from '../../bot/media-store';
import { BotApi } from '../../channels/telegram/bot-api';
import { TelegramSender } from '../../channels/telegram/telegram-sender';
import { createWhatsappCloudChannel } from '../../channels/whatsapp-cloud';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { startGraphApiServer, type GraphApiServer } from '../support/graph-api-server';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { TelegramEmulator } from '../support/telegram-emulator';
import { newWaId, postWebhook, text, webhook, whatsappEnv } from './whatsapp-cloud/webhooks';
import { adapterRig } from './whatsapp-baileys/adapter-harness';

/*
 * Issue 12, part 6: our files open only with a signature (or a web chat token), so a photo of ours that
 * the bot sends on Telegram or WhatsApp, which fetch images by URL, must go out as a signed link.
 * Other hosts' URLs go out as they are.
 */

const NOW = Date.parse('2026-05-04T08:00:00Z');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const redis = redisClient();
let dir: string;
let media: MediaStore;
let ours: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'media-links-'));
  media = new MediaStore(dir, 'https://bot.example', { secret: 'outbound-link-secret', clock: () => NOW });
  ours = (await media.save({ filename: 'bache.png', data: PNG })).contentUrl;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await redis.quit();
});

const photo = (url: string): Partial<Activity> => ({ type: 'message', id: randomUUID(), attachments: [{ contentType: 'image/png', contentUrl: url }] });
const signedOurs = () => media.signedUrl(ours, SHARED_MEDIA_TTL_S);

describe('links to our files sent to messaging platforms', () => {
  it('Telegram: sendPhoto gets a signed link for our file, and any other URL unchanged', async () => {
    const emulator = await TelegramEmulator.start();
    const prefix = testPrefix();
    const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
    try {
      const sender = new TelegramSender(new BotApi(new Telegram(token, { apiRoot: emulator.apiRoot })), redis, prefix, media);
      const chat = String(randomInt(1_000_000, 9_000_000));
      await sender.send({ channel: 'telegram', conversationId: chat }, [photo(ours), photo('https://cdn.example/farola.png')]);
      expect(emulator.botMessages(token, chat).map((m) => m.photo)).toEqual([signedOurs(), 'https://cdn.example/farola.png']);
      expect(signedOurs()).toContain('/media/signed/');
    } finally {
      await dropPrefix(redis, prefix);
      await emulator.stop();
    }
  });

  describe('WhatsApp Cloud', () => {
    let graph: GraphApiServer;
    let database: TestDatabase;
    beforeAll(async () => {
      graph = await startGraphApiServer();
      database = await sqliteTestDatabase();
    });
    afterAll(async () => {
      await graph?.close();
      await database?.drop();
    });

    it("an image message links to our file signed, and to another host's file unchanged", async () => {
      const prefix = testPrefix();
      const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: prefix, ...whatsappEnv(graph) });
      const channel = createWhatsappCloudChannel({ config, redis, db: database.db, media, listButton: () => 'Ver opciones', log: pino({ level: 'silent' }) });
      await channel.adapter.start(async (a) => ({ id: a.id!, duplicate: false }));
      const server = express().use(channel.router).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const waId = newWaId();
        // The citizen wrote first, so the 24-hour window is open and images go out as images.
        const address = server.address() as { port: number };
        await postWebhook(`http://127.0.0.1:${address.port}`, webhook(graph, { messages: [text(waId, 'Hola')] }));
        await channel.adapter.send({ channel: 'whatsapp-cloud', conversationId: waId, userId: waId }, [photo(ours), photo('https://cdn.example/farola.png')]);
        const images = graph.messages.filter((m) => m.to === waId && m.type === 'image').map((m) => m.body.image.link);
        expect(images).toEqual([signedOurs(), 'https://cdn.example/farola.png']);
      } finally {
        await channel.adapter.stop();
        server.close();
        await dropPrefix(redis, prefix);
      }
    });
  });

  it("WhatsApp through Baileys: an image is sent by our signed link, another host's unchanged", async () => {
    const rig = await adapterRig({ media });
    try {
      rig.doubles.latest().open();
      const jid = '34611000222@s.whatsapp.net';
      await rig.channel.send({ channel: 'whatsapp', conversationId: jid }, [photo(ours), photo('https://cdn.example/farola.png')]);
      expect(rig.doubles.latest().sent.map((m) => m.content)).toEqual([{ image: { url: signedOurs() } }, { image: { url: 'https://cdn.example/farola.png' } }]);
    } finally {
      await rig.close();
    }
  });
});
