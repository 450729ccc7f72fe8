import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, TicketRejectedError } from '../../../bot/errors';
import type { ExternalTicket } from '../../../connectors/back-office';
import { WebhookClient, type WebhookClientOptions } from '../../../connectors/webhook/webhook-client';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const ticket = (over: Partial<ExternalTicket> = {}): ExternalTicket => ({
  reference: 'ALU-2026-000123',
  service: 'street-lighting',
  type: 'reclamo',
  serviceCode: 'SL-01',
  description: 'The street light at the corner is out',
  location: { address: 'Carrer Major 1', point: { latitude: 39.47, longitude: -0.38 } },
  mediaUrls: ['https://media.example/p1.jpg?sig=abc'],
  contact: { name: 'Ana' },
  locale: 'es',
  createdAt: '2026-03-10T10:00:00.000Z',
  ...over,
});
const key = (): string => `ticket-${randomUUID()}`;

/** A client whose fetch answers with one canned response (for answers the receiver does not give). */
const answering = (status: number, body: unknown): WebhookClient =>
  new WebhookClient({ url: 'http://city.invalid/tickets', secret: 's', fetch: async () => new Response(JSON.stringify(body), { status }) });

let city: WebhookReceiver;
const client = (over: Partial<WebhookClientOptions> = {}): WebhookClient => new WebhookClient({ url: city.url, secret: city.secret, timeoutMs: 1_000, ...over });

beforeAll(async () => {
  city = await startWebhookReceiver();
});
afterEach(() => city.up());
afterAll(async () => {
  await city?.close();
});

describe('WebhookClient.submit', () => {
  it('signs sha256=HMAC(secret, "<timestamp>.<raw body>") and sends the documented headers and body', async () => {
    const now = Date.now();
    const k = key();
    const { externalId } = (await client({ clock: () => now }).submit(ticket(), k)) as { externalId: string };
    const req = city.received.at(-1)!;
    const ts = String(Math.floor(now / 1000));
    expect(req.headers['x-timestamp']).toBe(ts);
    expect(req.headers['x-signature']).toBe(`sha256=${createHmac('sha256', city.secret).update(`${ts}.${req.body}`).digest('hex')}`);
    expect(req.headers).toMatchObject({ 'idempotency-key': k, 'content-type': 'application/json', 'user-agent': 'citybot-webhook/1' });
    expect(JSON.parse(req.body)).toEqual({ event: 'ticket.created', ticket: ticket() });
    expect(city.tickets.find((t) => t.key === k)?.id).toBe(externalId);
  });

  it('files one ticket for a key sent twice and answers the same id both times', async () => {
    const before = city.creations;
    const k = key();
    const first = await client().submit(ticket(), k);
    const second = await client().submit(ticket(), k);
    expect(second).toEqual(first);
    expect(city.creations).toBe(before + 1);
    expect(await client().submit(ticket(), key())).not.toEqual(first);
  });

  it('after a timeout that hid a creation, the retry finds the same ticket instead of filing another', async () => {
    const before = city.creations;
    const k = key();
    city.timeoutAfterCreate(1);
    await expect(client({ timeoutMs: 150 }).submit(ticket(), k)).rejects.toThrow(/did not answer within 150 ms/);
    expect(city.creations).toBe(before + 1);
    const retried = (await client().submit(ticket(), k)) as { externalId: string };
    expect(retried.externalId).toBe(city.tickets.find((t) => t.key === k)?.id);
    expect(city.creations).toBe(before + 1);
  });

  it('reads a 5xx, a city that is down, too slow or refusing connections as ConnectorUnavailableError', async () => {
    city.fail5xx(1, 502);
    await expect(client().submit(ticket(), key())).rejects.toBeInstanceOf(ConnectorUnavailableError);
    city.down();
    await expect(client().submit(ticket(), key())).rejects.toThrow(/HTTP 503.*maintenance/);
    city.up();
    city.slow(400);
    await expect(client({ timeoutMs: 150 }).submit(ticket(), key())).rejects.toThrow(/did not answer within 150 ms/);
    city.down('refuse');
    const refused = await client().submit(ticket(), key()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorUnavailableError);
    expect((refused as Error).message).toMatch(/could not be reached/);
  });

  it('reads a 400 as TicketRejectedError carrying the city\'s reason, and stores nothing', async () => {
    const before = city.creations;
    city.reject400(1, 'service code SL-01 is retired');
    const err = await client().submit(ticket(), key()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketRejectedError);
    expect((err as TicketRejectedError).retryable).toBe(false);
    expect((err as Error).message).toContain('service code SL-01 is retired');
    expect(city.creations).toBe(before);
  });

  it('reads a 409 with an id as "already have it": success with that id', async () => {
    const k = key();
    const first = await client().submit(ticket(), k);
    city.duplicateStatus = 409;
    try {
      expect(await client().submit(ticket(), k)).toEqual(first);
    } finally {
      city.duplicateStatus = 200;
    }
  });

  it('is refused (401, counted by the city) when signed with another secret', async () => {
    const before = city.unauthorized;
    await expect(client({ secret: 'not-the-city-secret' }).submit(ticket(), key())).rejects.toBeInstanceOf(TicketRejectedError);
    expect(city.unauthorized).toBe(before + 1);
  });

  it('accepts external_id / externalId (numbers too), retries 429 and redirects, rejects a 409 without an id', async () => {
    expect(await answering(201, { external_id: 42 }).submit(ticket(), 'k')).toEqual({ externalId: '42' });
    expect(await answering(200, { externalId: 'X-7' }).submit(ticket(), 'k')).toEqual({ externalId: 'X-7' });
    await expect(answering(200, {}).submit(ticket(), 'k')).rejects.toBeInstanceOf(ConnectorUnavailableError);
    await expect(answering(429, { message: 'slow down' }).submit(ticket(), 'k')).rejects.toBeInstanceOf(ConnectorUnavailableError);
    await expect(answering(302, {}).submit(ticket(), 'k')).rejects.toThrow(/redirected/);
    await expect(answering(409, { error: { message: 'dup' } }).submit(ticket(), 'k')).rejects.toThrow(TicketRejectedError);
  });
});

describe('WebhookClient.status', () => {
  it('answers the city\'s status for its id, signed over an empty body', async () => {
    const { externalId } = (await client().submit(ticket(), key())) as { externalId: string };
    city.setStatus(externalId, 'in_progress', 'crew assigned');
    const unauthorized = city.unauthorized;
    expect(await client().status(externalId)).toMatchObject({ externalId, status: 'in_progress', note: 'crew assigned' });
    expect(city.received.at(-1)).toMatchObject({ method: 'GET', path: `/tickets/${externalId}`, body: '' });
    expect(city.unauthorized).toBe(unauthorized);
  });

  it('answers undefined for an unknown id, and for a city without the status route (405)', async () => {
    expect(await client().status('CITY-nope')).toBeUndefined();
    const { externalId } = (await client().submit(ticket(), key())) as { externalId: string };
    city.statusRoute = false;
    try {
      expect(await client().status(externalId)).toBeUndefined();
    } finally {
      city.statusRoute = true;
    }
  });

  it('reads a 5xx as ConnectorUnavailableError and an unknown status value as unreadable', async () => {
    city.down();
    await expect(client().status('CITY-1000')).rejects.toBeInstanceOf(ConnectorUnavailableError);
    await expect(answering(200, { id: 'A', status: 'pending' }).status('A')).rejects.toThrow(/unreadable status/);
  });
});
