import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import express from 'express';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { MediaStore } from '../../bot/media-store';
import { createWebchatChannel } from '../../channels/webchat';
import { createWidgetAssets } from '../../channels/webchat/widget-assets';

/** A 1×1 transparent PNG, served at `/logo.png`. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Sends as the bot to a web chat conversation. */
export type BotSend = (conversationId: string, activities: Partial<Activity>[]) => Promise<void>;

export interface WidgetServerOptions {
  /** The scripted bot: gets every citizen activity, answers through `send`. */
  bot(activity: Partial<Activity>, send: BotSend, url: string): Promise<void>;
  /** More routes on the same server (pages that embed the widget, say). */
  routes?(app: express.Express): void;
}

export interface WidgetServer {
  url: string;
  /** Cuts every open WebSocket at the TCP level, as a flaky mobile network would. */
  dropSockets(): void;
  send: BotSend;
  close(): Promise<void>;
}

/**
 * The real web chat channel (Direct Line 3.0 over real Redis, a key prefix of its own) and the widget
 * assets on port 0, with a scripted bot as `ingest`: what the widget browser tests talk to.
 */
export async function startWidgetServer(options: WidgetServerOptions): Promise<WidgetServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'widget-test-'));
  const prefix = `t-widget-${randomUUID()}`;
  const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: prefix, DATA_DIR: dataDir, TOKEN_RATE_LIMIT: '1000', LOG_LEVEL: 'silent' });
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const channel = createWebchatChannel({ redis, config, log: pino({ level: 'silent' }), publicUrl: url, media: new MediaStore(path.resolve(dataDir, 'uploads'), url) });
  app.use(channel.router);
  app.use(await createWidgetAssets({ title: 'Ajuntament de Prova' }));
  // The logo the bot shows, from the same server the widget already trusts.
  app.get('/logo.png', (_req, res) => void res.type('png').send(PNG));
  options.routes?.(app);
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
  });
  channel.attach(server);

  const send: BotSend = (conversationId, activities) => channel.adapter.send({ channel: 'webchat', conversationId }, activities);
  await channel.adapter.start(async (activity) => {
    await options.bot(activity, send, url);
    return { id: activity.id ?? '', duplicate: false };
  });

  return {
    url,
    send,
    dropSockets: () => {
      for (const socket of upgraded) socket.destroy();
    },
    close: async () => {
      await channel.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
