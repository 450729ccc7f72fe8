import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { UntrustedMediaUrlError } from '../../../bot/errors';
import { MediaStore } from '../../../bot/media-store';
import { createWhatsappCloudChannel } from '../../../channels/whatsapp-cloud';
import { GraphClient } from '../../../channels/whatsapp-cloud/graph-client';
import { startGraphApiServer, type GraphApiServer } from '../../support/graph-api-server';
import { sqliteTestDatabase, type TestDatabase } from '../../bot/sql/test-databases';
import { dropPrefix, eventually, redisClient, testPrefix } from '../../support/redis';
import { image, newWaId, PNG, postWebhook, webhook, whatsappEnv } from './webhooks';

/*
 * Issue 12, part 6: the URL a media lookup answers is followed with our Graph access token, so it must
 * go only to Graph's API origin or Meta's media CDN. Here a "Graph" answers lookups with URLs on another
 * local server (another origin), which records every Authorization header it is sent.
 */

interface Recorder { url: string; authorizations: Array<string | undefined>; close(): Promise<void> }

async function listen(handle: (req: IncomingMessage, res: ServerResponse, url: string) => void): Promise<Recorder & { server: Server }> {
  const authorizations: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    handle(req, res, url);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, authorizations, close: async () => { server.closeAllConnections(); server.close(); await once(server, 'close'); } };
}

const redis = redisClient();
let graph: GraphApiServer;
let database: TestDatabase;
let mediaDir: string;
let foreign: Recorder;
let fakeGraph: Recorder;

beforeAll(async () => {
  graph = await startGraphApiServer();
  database = await sqliteTestDatabase();
  mediaDir = await mkdtemp(path.join(tmpdir(), 'wa-media-host-'));
  foreign = await listen((_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
  // `/v21.0/<id>` answers a download URL on the foreign server; `/v21.0/hop-<id>` one on itself that redirects there.
  fakeGraph = await listen((req, res, self) => {
    const id = (req.url ?? '').split('/').pop() ?? '';
    if (req.url?.startsWith('/redirect/')) return void res.writeHead(302, { location: `${foreign.url}/file/${id}` }).end();
    const url = id.startsWith('hop-') ? `${self}/redirect/${id}` : `${foreign.url}/file/${id}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url, mime_type: 'image/png' }));
  });
});
afterAll(async () => {
  await foreign?.close();
  await fakeGraph?.close();
  await graph?.close();
  await database?.drop();
  await rm(mediaDir, { recursive: true, force: true });
  await redis.quit();
});

describe('WhatsApp Cloud media downloads', () => {
  it('never sends the access token to a download URL outside Graph and Meta, and ingests the message without the file', async () => {
    const prefix = testPrefix();
    const logged: Array<Record<string, any>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: prefix, ...whatsappEnv(graph, { WHATSAPP_CLOUD_API_BASE: `${fakeGraph.url}/v21.0` }) });
    const channel = createWhatsappCloudChannel({
      config, redis, db: database.db, media: new MediaStore(mediaDir, 'http://city.example'), listButton: () => 'Ver opciones', log,
    });
    const ingested: Partial<Activity>[] = [];
    await channel.adapter.start(async (a) => (ingested.push(a), { id: a.id!, duplicate: false }));
    const server = express().use(channel.router).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const photo = image(newWaId(), 'media-1', 'la farola');
      await postWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, webhook(graph, { messages: [photo] }));
      await eventually(() => ingested.length === 1, 5_000, 'the photo message');

      expect(fakeGraph.authorizations).toContain(`Bearer ${graph.token}`);
      expect(foreign.authorizations).toEqual([]);
      expect(ingested[0]).toMatchObject({ id: photo.id, text: 'la farola' });
      expect(ingested[0]).not.toHaveProperty('attachments');
      const failure = logged.find((l) => l.err?.code === 'E_UNTRUSTED_MEDIA_URL');
      expect(failure?.err.message).toContain(new URL(foreign.url).host);
      expect(JSON.stringify(logged)).not.toContain(graph.token);
    } finally {
      await channel.adapter.stop();
      server.close();
      await dropPrefix(redis, prefix);
    }
  });

  it('checks every redirect too: a trusted URL that redirects elsewhere is refused before the token follows it', async () => {
    const client = new GraphClient({ apiBase: `${fakeGraph.url}/v21.0`, token: 'secret-graph-token', phoneNumberId: '1' });
    const before = foreign.authorizations.length;
    const info = await client.mediaInfo('hop-2');
    expect(new URL(info.url).origin).toBe(fakeGraph.url);
    await expect(client.download(info.url)).rejects.toBeInstanceOf(UntrustedMediaUrlError);
    expect(foreign.authorizations.slice(before)).toEqual([]);
  });

  it("refuses a URL that is not one, one with credentials in it, and look-alikes of Meta's media CDN", async () => {
    const client = new GraphClient({ apiBase: `${fakeGraph.url}/v21.0`, token: 'secret-graph-token', phoneNumberId: '1' });
    await expect(client.download('not a url')).rejects.toBeInstanceOf(UntrustedMediaUrlError);
    await expect(client.download(`${fakeGraph.url.replace('//', '//user:pw@')}/x`)).rejects.toBeInstanceOf(UntrustedMediaUrlError);
    await expect(client.download('https://lookaside.fbsbx.com.evil.example/x')).rejects.toBeInstanceOf(UntrustedMediaUrlError);
    await expect(client.download('http://lookaside.fbsbx.com/x')).rejects.toBeInstanceOf(UntrustedMediaUrlError);
  });
});
