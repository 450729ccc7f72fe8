import type { Server } from 'node:http';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { ChannelAdapter } from '../../bot/channel';
import type { Config } from '../../bot/config';
import type { MediaStore } from '../../bot/media-store';
import { ConversationStore } from './conversation-store';
import { createDirectLineRouter } from './directline-router';
import { DirectLineSocketServer } from './directline-socket';
import { InboundPipeline } from './inbound';
import { StreamHub } from './stream-hub';
import { TokenService } from './tokens';
import { WebchatAdapter } from './webchat-adapter';
import type { WebSocketMetrics } from '../../bot/websocket-metrics';

export interface WebchatChannelOptions {
  /** Shared command connection; the channel never closes it. A subscriber is duplicated from it on first socket. */
  redis: Redis;
  config: Config;
  log: Logger;
  /** Base URL browsers reach this server at (streamUrl is built from it). */
  publicUrl: string;
  /** Where uploaded photos are kept (shared with the other channels). */
  media: MediaStore;
  /** Counts stream sockets and their frames. */
  metrics?: WebSocketMetrics;
}

/** The web chat channel of one process. */
export interface WebchatChannel {
  adapter: ChannelAdapter;
  /** Direct Line 3.0 REST endpoints and `GET /media/:name`; mount at `/`. */
  router: Router;
  /** Serves the Direct Line WebSocket (`/v3/directline/conversations/:id/stream`) on `server`'s upgrades. */
  attach(server: Server): void;
  /** Stops ingesting, closes sockets and the subscriber connection. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the web chat channel: a Direct Line 3.0–compatible server whose conversations live in Redis
 * streams, so any web process can serve any socket and any worker can reply.
 */
export function createWebchatChannel(opts: WebchatChannelOptions): WebchatChannel {
  const { redis, config, log } = opts;
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const prefix = config.REDIS_PREFIX;
  const store = new ConversationStore(redis, prefix);
  const tokens = new TokenService(redis, `${prefix}:dl:signing-key`, config.DIRECTLINE_SECRET);
  const adapter = new WebchatAdapter(store, log);
  const media = opts.media;
  const inbound = new InboundPipeline(store, () => adapter.currentIngest(), media);
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:dl:rl`, points: config.TOKEN_RATE_LIMIT, duration: 60 });
  const hub = new StreamHub(redis, store, log);
  const sockets = new DirectLineSocketServer({ tokens, store, hub, origins: config.WEBCHAT_ORIGINS, log, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  const router = createDirectLineRouter({ config, store, tokens, limiter, inbound, media, log, publicUrl });
  let closing: Promise<void> | undefined;

  return {
    adapter,
    router,
    attach: (server) => sockets.attach(server),
    close: () => {
      closing ??= (async () => {
        await adapter.stop();
        await sockets.close();
        await hub.close();
      })();
      return closing;
    },
  };
}
