import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger';
import { HistoryStore } from '../../../bot/sql/history-store';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { isTooOld, MAX_MESSAGE_AGE_MS } from '../../../channels/whatsapp-cloud/message-age';
import { startTestApp, waitFor, type RunningApp } from '../../e2e/support';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../../support/graph-api-server';
import { image, newWaId, postWebhook, text, webhook, whatsappEnv } from './webhooks';

/*
 * Meta delivers a webhook again for days until it gets a 200, but the bot remembers the ids it took
 * for one day: a message older than that is acknowledged and ignored, or it would be answered twice.
 * The app's clock is pinned; the messages carry timestamps relative to it.
 */

const NOW = Date.parse('2026-06-01T10:00:00Z');
const HOUR = 3_600_000;
const at = (ms: number): string => String(Math.floor(ms / 1_000));

let graph: GraphApiServer;
let bot: RunningApp;
let db: Db;
const lines: string[] = [];

beforeAll(async () => {
  graph = await startGraphApiServer();
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  bot = await startTestApp(whatsappEnv(graph), { clock: () => NOW }, createLogger('info', {}, sink));
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await graph?.close();
});

describe('WhatsApp Cloud messages older than the dedupe window', () => {
  it('are acknowledged with 200 and ignored: no turn, no job, no trace that would drop them later', async () => {
    const waId = newWaId();
    const stale = { ...text(waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), timestamp: at(NOW - 3 * 24 * HOUR) };
    const stalePhoto = { ...image(waId, 'media-stale-1'), timestamp: at(NOW - MAX_MESSAGE_AGE_MS - 60_000) };
    expect((await postWebhook(bot.url, webhook(graph, { messages: [stale, stalePhoto] }))).status).toBe(200);

    // A message of the same citizen sent an hour ago is answered: the channel works, and it went first.
    const fresh = { ...text(waId, 'hola'), timestamp: at(NOW - HOUR) };
    expect((await postWebhook(bot.url, webhook(graph, { messages: [fresh] }))).status).toBe(200);
    await waitFor(() => graph.messages.find((m) => m.to === waId), 'the answer to the fresh message');
    const transcript = await waitFor(async () => {
      const t = await new HistoryStore(db).transcript('whatsapp-cloud', waId);
      return t.some((l) => l.activityId === fresh.id) ? t : undefined;
    }, 'the fresh message in the transcript');
    expect(transcript.filter((l) => l.activityId === stale.id || l.activityId === stalePhoto.id)).toEqual([]);
    expect(graph.messages.filter((m) => m.to === waId).map((m) => textOfMessage(m.body)).join('\n')).not.toMatch(/Alumbrado/);

    const prefix = bot.config.REDIS_PREFIX;
    for (const id of [stale.id, stalePhoto.id]) {
      expect(await bot.app.redis.exists(`${prefix}:inbound:seen:whatsapp-cloud|${id}`)).toBe(0);
      expect(await bot.app.redis.exists(`${prefix}:wac-inbound:seen:${id}`)).toBe(0);
    }
    const ignored = lines.map((l) => JSON.parse(l) as { level: number; msg: string; type?: string }).filter((l) => l.msg.includes('older than the dedupe window'));
    expect(ignored.map((l) => [l.level, l.type])).toEqual([[30, 'text'], [30, 'image']]);
  });
});

describe('isTooOld', () => {
  it('takes messages up to the dedupe window old, from the future, and without a timestamp', () => {
    expect(isTooOld(at(NOW - MAX_MESSAGE_AGE_MS + 1_000), NOW)).toBe(false);
    expect(isTooOld(at(NOW - MAX_MESSAGE_AGE_MS - 1_000), NOW)).toBe(true);
    expect(isTooOld(at(NOW + HOUR), NOW)).toBe(false);
    expect(isTooOld(undefined, NOW)).toBe(false);
    expect(isTooOld('not-a-number', NOW)).toBe(false);
  });
});
