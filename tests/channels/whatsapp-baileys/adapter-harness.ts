import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelAdapter, Ingest } from '../../../bot/channel';
import { createLogger } from '../../../bot/logger';
import { MediaStore } from '../../../bot/media-store';
import { createWhatsAppBaileysChannel, type WhatsAppBaileysOptions } from '../../../channels/whatsapp-baileys';
import { socketDoubles } from '../../support/baileys-socket-double';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';

/** The Baileys channel alone on real Redis, with socket doubles, a recording ingest and captured logs. */
export interface AdapterRig {
  channel: ChannelAdapter;
  doubles: ReturnType<typeof socketDoubles>;
  /** What the channel handed to the inbound queue. */
  ingested: Partial<Activity>[];
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** The raw log output, to check what must never appear in it. */
  rawLogs(): string;
  redis: Redis;
  prefix: string;
  mediaDir: string;
  /** Another channel on the same Redis and prefix: the process after a restart. */
  restart(): Promise<AdapterRig>;
  close(): Promise<void>;
}

export async function adapterRig(options: Partial<WhatsAppBaileysOptions> = {}, shared?: { redis: Redis; prefix: string; mediaDir: string }): Promise<AdapterRig> {
  const redis = shared?.redis ?? redisClient();
  const prefix = shared?.prefix ?? testPrefix();
  const mediaDir = shared?.mediaDir ?? (await mkdtemp(path.join(tmpdir(), 'wa-media-')));
  const raw: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (raw.push(chunk.toString()), done()) });
  const log = createLogger('trace', { module: 'channels/whatsapp-baileys' }, sink);
  const doubles = socketDoubles();
  const ingested: Partial<Activity>[] = [];
  const ingest: Ingest = async (a) => {
    const duplicate = ingested.some((x) => x.id === a.id);
    if (!duplicate) ingested.push(a);
    return { id: a.id ?? '', duplicate };
  };
  const channel = createWhatsAppBaileysChannel({
    redis, prefix, log,
    media: new MediaStore(mediaDir, 'http://bot.test'),
    makeSocket: doubles.make,
    printQr: () => undefined,
    backoff: { baseMs: 40, maxMs: 80 },
    ...options,
  });
  await channel.start(ingest);
  const rig: AdapterRig = {
    channel, doubles, ingested, redis, prefix, mediaDir,
    logs: () => raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    rawLogs: () => raw.join(''),
    restart: () => adapterRig(options, { redis, prefix, mediaDir }),
    close: async () => {
      await channel.stop();
      if (shared) return;
      await dropPrefix(redis, prefix);
      await redis.quit();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
  return rig;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
