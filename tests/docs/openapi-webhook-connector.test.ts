import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, TicketRejectedError } from '../../bot/errors';
import type { ExternalTicket } from '../../connectors/back-office';
import { createWebhookStatusRouter, type WebhookStatusUpdate } from '../../connectors/webhook/status-receiver';
import { WebhookClient } from '../../connectors/webhook/webhook-client';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { signature, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { asOpenApiPath, loadDocument, parsedBody, recordingFetch, type Exchange } from './openapi-support';

/*
 * docs/openapi/webhook-connector.yaml against real traffic (issue 14 part 10): the real WebhookClient
 * filing tickets and asking their status of a local back office (tests/support/webhook-receiver.ts), and
 * the real status router (with real Redis) taking a city's pushed updates on a free port. Every request
 * and answer on the wire is validated by openapi-backend against the document, which
 * @seriousme/openapi-schema-validator checks first; an operation no request reached fails.
 */

const SECRET = 'city-shared-secret-0123456789';
let doc: Awaited<ReturnType<typeof loadDocument>>;
let city: WebhookReceiver;
let redis: Redis;
let prefix: string;
let router: Router;
let server: Server;
let botUrl: string;
let onStatus: (u: WebhookStatusUpdate) => Promise<void> = async () => {};
const exchanges: Exchange[] = [];

/** The client's fetch, recording what went over the wire; paths relative to WEBHOOK_URL, as the document's server. */
const recording = recordingFetch(exchanges, () => city.url);

/** Signs and POSTs a status update as a city would, recording it. */
async function push(body: string, o: { headers?: Record<string, string>; tamper?: boolean; malformed?: boolean; timestamp?: number } = {}): Promise<number> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = { 'content-type': 'application/json', 'x-timestamp': String(timestamp), 'x-signature': signature(SECRET, timestamp, body), ...o.headers };
  const sent = o.tamper ? body.replace(/}$/, ',"note":"changed"}') : body;
  const res = await fetch(`${botUrl}/connectors/webhook/status`, { method: 'POST', headers, body: sent });
  exchanges.push({ method: 'POST', url: '/connectors/webhook/status', headers, body: parsedBody(sent), status: res.status, response: parsedBody(await res.text()), ...(o.malformed ? { malformed: true } : {}) });
  return res.status;
}
const update = (over: object = {}) => JSON.stringify({ event: 'ticket.status', id: `CITY-${randomUUID().slice(0, 8)}`, status: 'resolved', note: 'Farola cambiada', updatedAt: '2026-03-11T09:30:00Z', ...over });

const ticket = (over: Partial<ExternalTicket> = {}): ExternalTicket => ({
  reference: 'ALU-2026-000123', service: 'alumbrado', type: 'reclamo', serviceCode: 'SL-01', description: 'La farola de la esquina no se enciende',
  location: { address: 'Carrer Major 1', point: { latitude: 39.47, longitude: -0.38 } }, mediaUrls: ['https://bot.example.city/media/p1.jpg?sig=abc'],
  contact: { name: 'Ana', phone: '+34600000000' }, attributes: { poste: 'P-12', danos: ['cable', 'cristal'] }, locale: 'es', createdAt: '2026-03-10T10:00:00.000Z',
  ...over,
});

beforeAll(async () => {
  doc = await loadDocument('docs/openapi/webhook-connector.yaml');
  city = await startWebhookReceiver(SECRET);
  redis = redisClient();
  prefix = testPrefix();
  router = createWebhookStatusRouter({ secret: SECRET, redis, prefix, log: pino({ level: 'silent' }), onStatus: (u) => onStatus(u) });
  const app = express();
  app.use(router);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await city?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
});

describe('docs/openapi/webhook-connector.yaml', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(doc.validity).toEqual({ valid: true });
  });

  it('catches a request or answer that breaks it (the checker itself)', () => {
    const headers = { 'x-timestamp': '1767225600', 'x-signature': `sha256=${'a'.repeat(64)}`, 'idempotency-key': 'k', 'user-agent': 'citybot-webhook/1' };
    const good = { method: 'POST', url: '/', headers, body: { event: 'ticket.created', ticket: ticket() }, status: 201, response: { id: 'CITY-1' } };
    expect(doc.problems(good)).toEqual([]);
    expect(doc.problems({ ...good, headers: { ...headers, 'x-signature': 'md5=abc' } })).not.toEqual([]);
    expect(doc.problems({ ...good, body: { event: 'ticket.created', ticket: { ...ticket(), reference: undefined } } })).not.toEqual([]);
    expect(doc.problems({ ...good, response: { ok: true } })).not.toEqual([]);
    expect(doc.problems({ ...good, status: 302 })).toEqual(['ticketCreated: status 302 not documented']);
  });

  it("describes the status router's routes", () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> } };
    const routes = (router as unknown as { stack: Layer[] }).stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${asOpenApiPath(l.route!.path)}`) : []));
    expect(routes).toEqual(['POST /connectors/webhook/status']);
    expect(routes.filter((r) => !doc.operations.includes(r))).toEqual([]);
  });

  it("matches the real client's calls to a back office and the answers it takes", async () => {
    const client = new WebhookClient({ url: city.url, secret: SECRET, timeoutMs: 5_000, fetch: recording });
    const key = `ticket-${randomUUID()}`;
    const { externalId } = (await client.submit(ticket(), key)) as { externalId: string };
    await client.submit(ticket(), key); // the same key: 200 with the same id
    city.duplicateStatus = 409;
    await client.submit(ticket(), key); // …or 409 with it
    city.duplicateStatus = 200;
    await client.submit(ticket({ reference: 'ALU-2026-000124', location: undefined, contact: undefined, attributes: undefined, mediaUrls: [] }), `ticket-${randomUUID()}`);
    city.reject400(1, 'unknown service code');
    await expect(client.submit(ticket(), `ticket-${randomUUID()}`)).rejects.toBeInstanceOf(TicketRejectedError);
    city.fail5xx(1, 503);
    await expect(client.submit(ticket(), `ticket-${randomUUID()}`)).rejects.toBeInstanceOf(ConnectorUnavailableError);

    city.setStatus(externalId, 'in_progress', 'Brigada en camino');
    expect(await client.status(externalId)).toMatchObject({ status: 'in_progress' });
    expect(await client.status('CITY-404')).toBeUndefined();
    city.statusRoute = false;
    expect(await client.status(externalId)).toBeUndefined();
    city.statusRoute = true;

    const outgoing = exchanges.filter((x) => !x.url.startsWith('/connectors/'));
    expect(outgoing.map((x) => `${x.method} ${x.status}`)).toEqual(['POST 201', 'POST 200', 'POST 409', 'POST 201', 'POST 400', 'POST 503', 'GET 200', 'GET 404', 'GET 405']);
    expect(outgoing.flatMap((x) => doc.problems(x))).toEqual([]);
  });

  it("matches a city's real status pushes and the bot's answers", async () => {
    const applied: WebhookStatusUpdate[] = [];
    onStatus = async (u) => void applied.push(u);
    const first = update();
    const ts = Math.floor(Date.now() / 1000);
    expect(await push(first, { timestamp: ts })).toBe(204);
    expect(await push(first, { timestamp: ts })).toBe(409); // a replay
    expect(await push(update({ id: undefined, reference: 'ALU-2026-000123', status: 'in_progress', updatedAt: undefined }))).toBe(204);
    expect(await push(update(), { tamper: true })).toBe(401);
    expect(await push(update(), { headers: { 'x-signature': '' }, malformed: true })).toBe(401);
    expect(await push(update(), { timestamp: ts - 3_600 })).toBe(401);
    expect(await push('{"event": "ticket.status", ', { malformed: true })).toBe(400);
    expect(await push(update({ id: undefined }), { malformed: true })).toBe(400);
    expect(await push(update({ status: 'lost' }), { malformed: true })).toBe(400);
    expect(await push(update({ note: 'x'.repeat(70_000) }), { malformed: true })).toBe(413);
    onStatus = async (u) => {
      throw new TicketRejectedError(`no ticket ${u.id}`);
    };
    expect(await push(update())).toBe(422);
    onStatus = async () => {
      throw new ConnectorUnavailableError('database hiccup');
    };
    expect(await push(update())).toBe(503);
    expect(applied).toHaveLength(2);

    const incoming = exchanges.filter((x) => x.url.startsWith('/connectors/'));
    expect(incoming.flatMap((x) => doc.problems(x))).toEqual([]);
  });

  it('had every operation reached by a real request', () => {
    const reached = new Set(exchanges.map((x) => doc.operationOf(x)));
    expect(doc.operations.filter((o) => !reached.has(o))).toEqual([]);
  });
});
