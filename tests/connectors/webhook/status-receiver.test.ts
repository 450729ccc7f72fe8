import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, UnknownConversationError } from '../../../bot/errors';
import { createWebhookStatusRouter, type WebhookStatusUpdate } from '../../../connectors/webhook/status-receiver';
import { sign, verify } from '../../../connectors/webhook/webhook-signature';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';
import { pushStatus, signature } from '../../support/webhook-receiver';

const SECRET = 'city-shared-secret';
const now = (): number => Math.floor(Date.now() / 1000);

let redis: Redis;
let prefix: string;
let server: Server;
let botUrl: string;
let applied: WebhookStatusUpdate[];
/** What onStatus does with an update; tests swap it to make it fail. */
let onStatus: (u: WebhookStatusUpdate) => Promise<void>;

const markers = async (): Promise<string[]> => redis.keys(`${prefix}:*`);
let n = 0;
/** A distinct valid update per call, so tests never replay each other by accident. */
const update = (over: object = {}): object => ({ id: `CITY-${++n}`, reference: 'ALU-2026-000123', status: 'resolved', note: 'lamp replaced', updatedAt: '2026-03-11T09:30:00Z', ...over });

beforeAll(async () => {
  redis = redisClient();
  prefix = testPrefix();
  const app = express();
  app.use(createWebhookStatusRouter({ secret: SECRET, redis, prefix, log: pino({ level: 'silent' }), onStatus: (u) => onStatus(u) }));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  await dropPrefix(redis, prefix);
  applied = [];
  onStatus = async (u) => void applied.push(u);
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
});

describe('webhook signature (both directions)', () => {
  const body = '{"event":"ticket.status","id":"A","status":"open"}';

  it('signs exactly as the protocol text says, and verifies what it signed', () => {
    expect(sign(SECRET, 1767225600, body)).toBe(signature(SECRET, 1767225600, body));
    const headers = { 'x-timestamp': '1767225600', 'x-signature': sign(SECRET, 1767225600, body) };
    expect(verify(SECRET, headers, Buffer.from(body), 1767225600_000 + 299_000)).toMatchObject({ ok: true });
    expect(verify(SECRET, { ...headers, 'x-signature': headers['x-signature'].toUpperCase() }, body, 1767225600_000)).toMatchObject({ ok: true });
  });

  it('gives the reason it refuses', () => {
    const headers = { 'x-timestamp': '1767225600', 'x-signature': sign(SECRET, 1767225600, body) };
    expect(verify(SECRET, headers, body, 1767225600_000 - 301_000)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify('other', headers, body, 1767225600_000)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(SECRET, headers, `${body} `, 1767225600_000)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(SECRET, { ...headers, 'x-timestamp': '1767225601' }, body, 1767225600_000)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(SECRET, { ...headers, 'x-timestamp': '1.5e9' }, body, 1767225600_000)).toEqual({ ok: false, reason: 'malformed_timestamp' });
    expect(verify(SECRET, { 'x-timestamp': '1767225600' }, body, 1767225600_000)).toEqual({ ok: false, reason: 'missing_headers' });
  });
});

describe('POST /connectors/webhook/status', () => {
  it('accepts a signed update: 204, onStatus once with the parsed fields, a replay marker with a TTL', async () => {
    const res = await pushStatus(botUrl, SECRET, update({ id: 'CITY-77' }));
    expect(res.status).toBe(204);
    expect(applied).toEqual([{ id: 'CITY-77', reference: 'ALU-2026-000123', status: 'resolved', note: 'lamp replaced', updatedAt: '2026-03-11T09:30:00Z' }]);
    const [marker] = await markers();
    expect(await redis.ttl(marker!)).toBeGreaterThan(590);
  });

  it('refuses a forged body (401 with a JSON error), applies nothing and remembers nothing', async () => {
    const res = await pushStatus(botUrl, SECRET, update(), { tamper: true });
    expect(res).toEqual({ status: 401, body: { error: { code: 'Unauthorized', message: expect.stringMatching(/X-Signature/) } } });
    expect((await pushStatus(botUrl, 'not-our-secret', update())).status).toBe(401);
    expect(applied).toEqual([]);
    expect(await markers()).toEqual([]);
  });

  it('refuses a timestamp 400 s old (or ahead) with 401, even when correctly signed', async () => {
    const old = await pushStatus(botUrl, SECRET, update(), { timestamp: now() - 400 });
    expect(old.status).toBe(401);
    expect(old.body.error.message).toMatch(/300 s/);
    expect((await pushStatus(botUrl, SECRET, update(), { timestamp: now() + 400 })).status).toBe(401);
    expect(applied).toEqual([]);
  });

  it('refuses the replay of an accepted request with 409 and applies it once', async () => {
    const u = update();
    const timestamp = now();
    expect((await pushStatus(botUrl, SECRET, u, { timestamp })).status).toBe(204);
    const replay = await pushStatus(botUrl, SECRET, u, { timestamp });
    expect(replay).toEqual({ status: 409, body: { error: { code: 'Conflict', message: expect.any(String) } } });
    expect(applied).toHaveLength(1);
  });

  it('answers 400 to malformed JSON and invalid fields, leaving no marker behind', async () => {
    expect((await pushStatus(botUrl, SECRET, '{"event":"ticket.status",')).status).toBe(400);
    const noId = await pushStatus(botUrl, SECRET, { status: 'open' });
    expect(noId.status).toBe(400);
    expect(noId.body.error.message).toMatch(/id or reference/);
    expect((await pushStatus(botUrl, SECRET, update({ status: 'pending' }))).status).toBe(400);
    expect((await pushStatus(botUrl, SECRET, update({ updatedAt: 'yesterday' }))).status).toBe(400);
    expect(applied).toEqual([]);
    expect(await markers()).toEqual([]);
  });

  it('answers 503 when onStatus fails retryably, and accepts the same request when the city retries it', async () => {
    onStatus = async () => {
      throw new ConnectorUnavailableError('database hiccup');
    };
    const u = update();
    const timestamp = now();
    expect((await pushStatus(botUrl, SECRET, u, { timestamp })).status).toBe(503);
    expect(await markers()).toEqual([]);
    onStatus = async (x) => void applied.push(x);
    expect((await pushStatus(botUrl, SECRET, u, { timestamp })).status).toBe(204);
    expect(applied).toHaveLength(1);
  });

  it('answers 422 with the error code when onStatus fails for good', async () => {
    onStatus = async () => {
      throw new UnknownConversationError('no ticket CITY-9');
    };
    const res = await pushStatus(botUrl, SECRET, update());
    expect(res).toEqual({ status: 422, body: { error: { code: 'E_UNKNOWN_CONVERSATION', message: 'no ticket CITY-9' } } });
    expect(await markers()).toEqual([]);
  });

  it('refuses a body over 64 kb with 413', async () => {
    const res = await pushStatus(botUrl, SECRET, update({ note: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(applied).toEqual([]);
  });
});
