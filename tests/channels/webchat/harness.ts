import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../../bot/config';
import type { Ingest } from '../../../bot/channel';
import { createWebchatChannel, type WebchatChannel } from '../../../channels/webchat';
import { MediaStore } from '../../../bot/media-store';

export const log = pino({ level: 'silent' });

/** One "web process": its own Redis connection, express app, HTTP server on port 0 and channel. */
export interface WebProcess {
  redis: Redis;
  server: http.Server;
  baseUrl: string;
  channel: WebchatChannel;
  close(): Promise<void>;
}

export async function startWebProcess(config: Config): Promise<WebProcess> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const channel = createWebchatChannel({ redis, config, log, publicUrl: baseUrl, media: new MediaStore(path.resolve(config.DATA_DIR, 'uploads'), baseUrl) });
  app.use(channel.router);
  channel.attach(server);
  return {
    redis,
    server,
    baseUrl,
    channel,
    close: async () => {
      await channel.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

/**
 * Plays the inbound queue and the bot: records every ingested activity and, for messages,
 * answers `echo: <text>` through `replyVia` (another process's adapter, when testing fan-out).
 */
export class TestBot {
  readonly ingested: Partial<Activity>[] = [];
  readonly failures: unknown[] = [];
  replyVia: WebchatChannel['adapter'] | undefined;
  private readonly pending = new Set<Promise<void>>();

  /** Waits for replies still being sent, so cleanup does not race them. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private readonly seen = new Set<string>();

  readonly ingest: Ingest = async (activity) => {
    // Like the inbound queue: an activity id seen before is dropped.
    if (activity.id !== undefined && this.seen.has(activity.id)) return { id: activity.id, duplicate: true };
    if (activity.id !== undefined) this.seen.add(activity.id);
    this.ingested.push(activity);
    const adapter = this.replyVia;
    if (adapter && activity.type === 'message' && activity.conversation) {
      const ref = { channel: 'webchat' as const, conversationId: activity.conversation.id };
      // Like a worker: later, outside the request that ingested.
      const later = new Promise((resolve) => setImmediate(resolve))
        .then(() => adapter.send(ref, [{ type: 'message', text: `echo: ${activity.text ?? ''}`, replyToId: activity.id }]))
        .catch((err: unknown) => {
          this.failures.push(err);
        });
      this.pending.add(later);
      void later.finally(() => this.pending.delete(later));
    }
    return { id: activity.id ?? '', duplicate: false };
  };
}

/** A test's isolated world: random REDIS_PREFIX, temp DATA_DIR, cleanup of both. */
export interface TestWorld {
  config: Config;
  web: WebProcess;
  bot: TestBot;
  extra: WebProcess[];
  spawn(): Promise<WebProcess>;
  cleanup(): Promise<void>;
}

export async function startWorld(env: Record<string, string> = {}): Promise<TestWorld> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'webchat-'));
  const config = loadConfig({ REDIS_PREFIX: `t-${randomUUID()}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const web = await startWebProcess(config);
  const bot = new TestBot();
  bot.replyVia = web.channel.adapter;
  await web.channel.adapter.start(bot.ingest);
  const extra: WebProcess[] = [];
  return {
    config,
    web,
    bot,
    extra,
    spawn: async () => {
      const p = await startWebProcess(config);
      extra.push(p);
      return p;
    },
    cleanup: async () => {
      await bot.settle();
      for (const p of extra) await p.close();
      const keys = await web.redis.keys(`${config.REDIS_PREFIX}:*`);
      if (keys.length > 0) await web.redis.del(...keys);
      await web.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first value `take` returns that is not undefined, polling `take` on each `tick`. */
export function waitFor<T>(take: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      const v = take();
      if (v !== undefined) resolve(v);
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

/** Minimal JSON client for the REST endpoints. */
export async function call(
  baseUrl: string,
  method: string,
  pathname: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${baseUrl}${pathname}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  if (text && res.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers };
}

/** tokens/generate + POST /conversations: a started conversation and its token. */
export async function startConversation(baseUrl: string): Promise<{ conversationId: string; token: string; streamUrl: string }> {
  const gen = await call(baseUrl, 'POST', '/v3/directline/tokens/generate');
  if (gen.status !== 200) throw new Error(`tokens/generate answered ${gen.status}`);
  const conv = await call(baseUrl, 'POST', '/v3/directline/conversations', { token: gen.body.token, body: {} });
  if (conv.status !== 201) throw new Error(`conversations answered ${conv.status}`);
  return { conversationId: conv.body.conversationId, token: conv.body.token, streamUrl: conv.body.streamUrl };
}
