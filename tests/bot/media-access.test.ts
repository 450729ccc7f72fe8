import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../bot/config';
import { MediaStore } from '../../bot/media-store';
import { mediaNameOf } from '../../bot/media-url';
import { MediaUrlSigner } from '../../bot/media-url-signer';
import { createWebchatChannel, type WebchatChannel } from '../../channels/webchat';
import { call, log, startConversation } from '../channels/webchat/harness';
import { redisClient } from '../support/redis';

/*
 * Issue 12, part 6: `GET /media/<name>` served every upload to anyone with the URL, a signed link's
 * expiry was cosmetic, and an attachment URL was checked with a prefix test on the raw string. Here a
 * web chat process (Direct Line router, media store with a clock the test moves) on port 0.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const redis = redisClient();
let now = Date.parse('2026-03-01T10:00:00Z');
let config: Config;
let dataDir: string;
let media: MediaStore;
let channel: WebchatChannel;
let server: http.Server;
let baseUrl: string;
const ingested: Partial<Activity>[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'media-access-'));
  config = loadConfig({ REDIS_PREFIX: `t-${randomUUID()}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const app = express();
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  media = new MediaStore(path.join(dataDir, 'uploads'), baseUrl, { secret: 'a-media-secret-for-tests', clock: () => now });
  channel = createWebchatChannel({ redis, config, log, publicUrl: baseUrl, media });
  app.use(channel.router);
  await channel.adapter.start(async (a) => (ingested.push(a), { id: a.id ?? '', duplicate: false }));
});
afterAll(async () => {
  await channel?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  const keys = await redis.keys(`${config.REDIS_PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await rm(dataDir, { recursive: true, force: true });
});

/** Uploads one PNG in a new conversation; its token, the bot's (canonical) URL and the echo's URL. */
async function uploaded(): Promise<{ conversationId: string; token: string; url: string; echoed: string }> {
  const { conversationId, token } = await startConversation(baseUrl);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'bache.png');
  const res = await fetch(`${baseUrl}/v3/directline/conversations/${conversationId}/upload?userId=citizen`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const { id } = (await res.json()) as { id: string };
  const url = ingested.find((a) => a.id === id)?.attachments?.[0]?.contentUrl;
  const page = await call(baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities`, { token });
  const echoed = (page.body.activities as Partial<Activity>[]).find((a) => a.id === id)?.attachments?.[0]?.contentUrl;
  if (!url || !echoed) throw new Error('upload was not ingested and echoed');
  return { conversationId, token, url, echoed };
}

const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('GET /media/<name>', () => {
  it('refuses a stored file to a request with neither signature nor token (403, a JSON error with no detail)', async () => {
    const { url } = await uploaded();
    const res = await get(url);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
  });

  it("serves a file to the Direct Line token of the conversation it was uploaded in, and to no other conversation's", async () => {
    const mine = await uploaded();
    const other = await startConversation(baseUrl);
    const own = await get(mine.url, mine.token);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get(mine.url, other.token)).status).toBe(403);
    expect((await get(mine.url, 'not-a-token')).status).toBe(403);
  });

  it('serves a file through a valid signature, and refuses it once the signature expired or was tampered with', async () => {
    const { url } = await uploaded();
    const signed = media.signedUrl(url, 60);
    const ok = await get(signed);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(PNG)).toBe(true);

    const tampered = new URL(signed);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3_600));
    expect((await get(tampered.href)).status).toBe(403);

    now += 61_000;
    const expired = await get(signed);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
  });

  it("refuses a signature made with another deployment's key", async () => {
    const { url } = await uploaded();
    const forged = new MediaUrlSigner('another-secret-entirely', media.urlPrefix, () => now).sign(url, 60);
    expect(forged).not.toBe(url);
    expect((await get(forged)).status).toBe(403);
  });

  it('answers 400 to a malformed percent escape, and 404 to what is no media path at all', async () => {
    for (const p of ['/media/%c0', '/media/signed/%E0%A4%A', '/media/%']) {
      const res = await call(baseUrl, 'GET', p);
      expect(res.status, p).toBe(400);
      expect(res.body.error.code, p).toBe('BadArgument');
    }
    for (const p of ['/media/', '/media/x.png', '/media/signed/', '/media/a/b']) expect((await call(baseUrl, 'GET', p)).status, p).toBe(404);
  });

  it('gives the citizen its own upload back as a signed link its <img> can load without a token; the bot keeps the plain URL', async () => {
    const { url, echoed } = await uploaded();
    expect(url).toMatch(new RegExp(`^${baseUrl}/media/[A-Za-z0-9_-]{24}\\.png$`));
    expect(new URL(echoed).pathname).toBe(`/media/signed/${mediaNameOf(url, media.urlPrefix)}`);
    const res = await get(echoed);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

describe('attachments posted as JSON', () => {
  const post = (conversationId: string, token: string, contentUrl: string) =>
    call(baseUrl, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
      token, body: { type: 'message', from: { id: 'citizen' }, attachments: [{ contentType: 'image/png', contentUrl }] },
    });

  it('refuses URLs that only start like our media URLs: dot segments, encoded dots and slashes, queries, other hosts', async () => {
    const { conversationId, token } = await startConversation(baseUrl);
    const prefix = media.urlPrefix;
    const before = ingested.length;
    for (const contentUrl of [
      `${prefix}../../console/api/me`,
      `${prefix}%2e%2e/%2e%2e/console/api/me`,
      `${prefix}%2E%2E%2Fconsole%2Fapi%2Fme`,
      `${prefix}..%2F..%2Fconsole%2Fapi%2Fme`,
      `${prefix}AbCdEfGhIjKlMnOpQrStUvWx.png/../../../console/api/me`,
      `${prefix}AbCdEfGhIjKlMnOpQrStUvWx.png?x=/../../console`,
      `${prefix}..\\..\\console\\api\\me`,
      `${prefix.replace('127.0.0.1', 'user:pw@127.0.0.1')}AbCdEfGhIjKlMnOpQrStUvWx.png`,
      'http://evil.example/media/AbCdEfGhIjKlMnOpQrStUvWx.png',
    ]) {
      const res = await post(conversationId, token, contentUrl);
      expect(res.status, contentUrl).toBe(400);
      expect(res.body.error.code, contentUrl).toBe('BadArgument');
    }
    expect(ingested.length).toBe(before);
  });

  it("accepts a file uploaded in the same conversation, and refuses another conversation's", async () => {
    const mine = await uploaded();
    expect((await post(mine.conversationId, mine.token, mine.url)).status).toBe(200);
    const other = await startConversation(baseUrl);
    const res = await post(other.conversationId, other.token, mine.url);
    expect(res.status).toBe(400);
  });
});

describe('mediaNameOf and the signer', () => {
  const prefix = 'https://bot.example/media/';
  const name = 'AbCdEfGhIjKlMnOpQrStUvWx.png';

  it('reads the name of exactly our media URLs', () => {
    expect(mediaNameOf(`${prefix}${name}`, prefix)).toBe(name);
    expect(mediaNameOf(`https://BOT.example:443/media/${name}`, prefix)).toBe(name);
    for (const url of [`${prefix}${name}#x`, `${prefix}${name}?`, `${prefix}x/../${name}`, `${prefix}%41${name.slice(1)}`, `http://bot.example/media/${name}`, `${prefix}signed/${name}`, 'not a url']) {
      expect(mediaNameOf(url, prefix), url).toBeUndefined();
    }
  });

  it('signs only exactly our media URLs: a look-alike is handed on unchanged, never as a signed link to another path', () => {
    const signer = new MediaUrlSigner('a-secret-of-sixteen+', prefix, () => 0);
    const sneaky = `${prefix}../../console/api/me`;
    expect(signer.sign(sneaky, 60)).toBe(sneaky);
    expect(new URL(signer.sign(`${prefix}${name}`, 60)).pathname).toBe(`/media/signed/${name}`);
  });
});
