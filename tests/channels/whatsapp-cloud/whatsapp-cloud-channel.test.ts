import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../bot/channel';
import { loadConfig } from '../../../bot/config';
import { ChannelUnavailableError, DeliveryRejectedError, ServiceWindowClosedError } from '../../../bot/errors';
import { MediaStore } from '../../../bot/media-store';
import { createWhatsappCloudChannel, type WhatsappCloudChannel } from '../../../channels/whatsapp-cloud';
import { SERVICE_WINDOW_MS } from '../../../channels/whatsapp-cloud/service-window';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../../support/graph-api-server';
import { dropPrefix, eventually, redisClient, testPrefix } from '../../support/redis';
import { sqliteTestDatabase, type TestDatabase } from '../../bot/sql/test-databases';
import { InboundMailbox } from '../../../channels/whatsapp-cloud/inbound-mailbox';
import { inboundMessageSchema } from '../../../channels/whatsapp-cloud/webhook-payload';
import { image, newWaId, PNG, postWebhook, text, webhook, whatsappEnv } from './webhooks';
import { MemorySendProgress } from '../../support/send-progress';

/*
 * The channel on its own (no dialogs, no queues): its webhook router on a local express app, `ingest`
 * collecting activities, `send` called as the outbound worker would, a clock the test moves.
 */

const redis = redisClient();
let graph: GraphApiServer;
let database: TestDatabase;
let mediaDir: string;
const running: Array<{ channel: WhatsappCloudChannel; server: Server; prefix: string }> = [];
let now = Date.now();

beforeAll(async () => {
  graph = await startGraphApiServer();
  database = await sqliteTestDatabase();
  mediaDir = await mkdtemp(path.join(tmpdir(), 'wa-media-'));
});
afterAll(async () => {
  await graph?.close();
  await database?.drop();
  await rm(mediaDir, { recursive: true, force: true });
  await redis.quit();
});
beforeEach(() => {
  now = Date.now();
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.channel.adapter.stop();
    r.server.close();
    await dropPrefix(redis, r.prefix);
  }
});

/** A started channel with its webhook at `url`; `ingested` collects what it hands to the inbound queue. */
async function startChannel({ template = true, prefix = testPrefix() } = {}) {
  const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: prefix, ...whatsappEnv(graph, template ? { WHATSAPP_CLOUD_TEMPLATE: 'aviso_ayuntamiento' } : {}) });
  const channel = createWhatsappCloudChannel({
    config, redis, db: database.db, media: new MediaStore(mediaDir, 'http://city.example'),
    listButton: () => 'Ver opciones', log: pino({ level: 'silent' }), clock: () => now,
  });
  const ingested: Partial<Activity>[] = [];
  const seen = new Set<string>();
  await channel.adapter.start(async (a) => {
    const duplicate = seen.has(a.id!);
    seen.add(a.id!);
    if (!duplicate) ingested.push(a);
    return { id: a.id!, duplicate };
  });
  const app = express().use(channel.router);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  running.push({ channel, server, prefix });
  return { channel, ingested, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const ref = (waId: string): ConversationRef => ({ channel: 'whatsapp-cloud', conversationId: waId, userId: waId });
const say = (id: string, textValue: string, extra: Partial<Activity> = {}): Partial<Activity> => ({ type: 'message', id, text: textValue, ...extra });
const choices = (...titles: string[]): Partial<Activity>['suggestedActions'] => ({ to: [], actions: titles.map((t) => ({ type: 'imBack', title: t, value: t })) });

describe('the 24-hour customer-service window', () => {
  it('sends free-form messages while the citizen wrote less than 24 hours ago', async () => {
    const { channel, url } = await startChannel();
    const waId = newWaId();
    await postWebhook(url, webhook(graph, { messages: [text(waId, 'Hola')] }));
    now += SERVICE_WINDOW_MS - 60_000;
    await channel.adapter.send(ref(waId), [say('a1', 'Hola **vecina**')]);
    expect(graph.messages.filter((m) => m.to === waId).map((m) => [m.type, textOfMessage(m.body)])).toEqual([['text', 'Hola *vecina*']]);
  });

  it('sends a file as a document message by link (Meta fetches it), and its text after it', async () => {
    const { channel, url } = await startChannel();
    const waId = newWaId();
    await postWebhook(url, webhook(graph, { messages: [text(waId, 'Hola')] }));
    await channel.adapter.send(ref(waId), [say('d1', 'Tus datos', { attachments: [{ contentType: 'application/json', contentUrl: 'https://bot.test/media/x.json?sig=1', name: 'mis-datos.json' }] })]);
    const sent = graph.messages.filter((m) => m.to === waId);
    expect(sent.map((m) => m.type)).toEqual(['document', 'text']);
    expect(sent[0]!.body).toMatchObject({ document: { link: 'https://bot.test/media/x.json?sig=1', filename: 'mis-datos.json' } });
  });

  it('sends the configured template, with the text as its parameter, once the window closed or was never open', async () => {
    const { channel, url } = await startChannel();
    const waId = newWaId();
    await postWebhook(url, webhook(graph, { messages: [text(waId, 'Hola')] }));
    now += SERVICE_WINDOW_MS + 1;
    await channel.adapter.send(ref(waId), [say('p1', 'Tu reclamo ALU-2026-000007 está *En curso*.\nNota: el equipo ya fue.'), say('p2', '¿Algo más?', { suggestedActions: choices('Sí', 'No') })]);
    const [sent, ...rest] = graph.messages.filter((m) => m.to === waId);
    expect(rest).toEqual([]);
    expect(sent?.body).toMatchObject({
      type: 'template',
      template: { name: 'aviso_ayuntamiento', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text' }] }] },
    });
    expect(textOfMessage(sent!.body)).toBe('Tu reclamo ALU-2026-000007 está _En curso_. · Nota: el equipo ya fue. · ¿Algo más? · 1. Sí · 2. No');

    const stranger = newWaId();
    await channel.adapter.send(ref(stranger), [say('p3', 'Tu reclamo cambió de estado.')]);
    expect(graph.messages.filter((m) => m.to === stranger).map((m) => m.type)).toEqual(['template']);
  });

  it('fails without retrying when the window is closed and no template is configured', async () => {
    const { channel } = await startChannel({ template: false });
    const waId = newWaId();
    const failure = await channel.adapter.send(ref(waId), [say('p1', 'Tu reclamo cambió de estado.')]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ServiceWindowClosedError);
    expect((failure as ServiceWindowClosedError).retryable).toBe(false);
    expect((failure as Error).message).toMatch(/WHATSAPP_CLOUD_TEMPLATE/);
    expect(graph.messages.filter((m) => m.to === waId)).toEqual([]);
  });
});

describe('sending', () => {
  async function openConversation() {
    const started = await startChannel();
    const waId = newWaId();
    const hello = text(waId, 'Hola');
    await postWebhook(started.url, webhook(graph, { messages: [hello] }));
    return { ...started, waId, hello };
  }

  it('sends reply buttons, a list, numbered text and images as the Cloud API expects them', async () => {
    const { channel, waId } = await openConversation();
    const services = ['Alumbrado público', 'Calles y aceras', 'Tránsito', 'Agua y alcantarillado', 'Otro'];
    await channel.adapter.send(ref(waId), [
      say('b1', '¿Es correcto?', { suggestedActions: choices('Sí', 'No') }),
      say('l1', '¿Sobre qué es?', { suggestedActions: choices(...services) }),
      say('n1', 'Elegí una calle', { suggestedActions: choices(...Array.from({ length: 12 }, (_, i) => `Calle ${i + 1}`)) }),
      say('i1', 'Mirá', { attachments: [{ contentType: 'image/png', contentUrl: 'http://city.example/media/abc.png' }] }),
    ]);
    const sent = graph.messages.filter((m) => m.to === waId).map((m) => m.body);
    expect(sent.map((b) => b.type)).toEqual(['interactive', 'interactive', 'text', 'image', 'text']);
    expect(sent[0]!.interactive.type).toBe('button');
    expect(sent[1]!.interactive).toMatchObject({ type: 'list', action: { button: 'Ver opciones' } });
    expect(sent[1]!.interactive.action.sections[0].rows.map((r: { id: string }) => r.id)).toEqual(services);
    expect(sent[2]!.text.body).toMatch(/Elegí una calle\n\n1\. Calle 1\n2\. Calle 2\n[\s\S]*12\. Calle 12$/);
    expect(sent[3]!.image).toEqual({ link: 'http://city.example/media/abc.png' });
  });

  it('sends a question too long for an interactive body as text, followed by its options numbered', async () => {
    const { channel, waId } = await openConversation();
    const question = `${'Te cuento los detalles del trámite. '.repeat(40)}¿Seguimos?`;
    await channel.adapter.send(ref(waId), [say('q1', question, { suggestedActions: choices('Sí', 'No') })]);
    expect(graph.messages.filter((m) => m.to === waId).map((m) => [m.type, textOfMessage(m.body)])).toEqual([
      ['text', question],
      ['text', '1. Sí\n2. No'],
    ]);
  });

  it('turns a typed number into the value of the numbered option it names', async () => {
    const { channel, waId, url, ingested } = await openConversation();
    await channel.adapter.send(ref(waId), [say('n1', 'Elegí una calle', { suggestedActions: choices(...Array.from({ length: 12 }, (_, i) => `Calle ${i + 1}`)) })]);
    const answer = text(waId, '2');
    await postWebhook(url, webhook(graph, { messages: [answer] }));
    await eventually(() => ingested.some((a) => a.id === answer.id), 5_000, 'the answer');
    expect(ingested.find((a) => a.id === answer.id)?.text).toBe('Calle 2');
  });

  it("shows 'typing…' on the citizen's last message", async () => {
    const { channel, waId, hello } = await openConversation();
    await channel.adapter.send(ref(waId), [{ type: 'typing' }]);
    expect(graph.reads).toContainEqual({ messageId: hello.id, typing: true });
    expect(graph.messages.filter((m) => m.to === waId)).toEqual([]);
  });

  it('refuses an invalid recipient without retrying', async () => {
    const { channel, waId } = await openConversation();
    graph.rejectRecipient(waId);
    const failure = await channel.adapter.send(ref(waId), [say('x1', 'Hola')]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeliveryRejectedError);
    expect((failure as DeliveryRejectedError).retryable).toBe(false);
  });

  it('asks for a retry on 5xx and 429, and a retried batch does not resend what already went out', async () => {
    const { channel, waId } = await openConversation();
    const progress = new MemorySendProgress(); // the outbound queue's, for this item
    graph.failNext(500, 1, undefined, 1);
    const first = await channel.adapter.send(ref(waId), [say('r1', 'Primero'), say('r2', 'Segundo')], progress).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ChannelUnavailableError);
    expect((first as ChannelUnavailableError).retryable).toBe(true);
    graph.failNext(429);
    await expect(channel.adapter.send(ref(waId), [say('r1', 'Primero'), say('r2', 'Segundo')], progress)).rejects.toBeInstanceOf(ChannelUnavailableError);
    await channel.adapter.send(ref(waId), [say('r1', 'Primero'), say('r2', 'Segundo')], progress);
    expect(graph.textsTo(waId)).toEqual(['Primero', 'Segundo']);
    expect((await channel.statuses.forActivity('r1')).map((r) => r.status)).toEqual(['accepted']);
    expect((await channel.statuses.forActivity('r2')).map((r) => r.status)).toEqual(['accepted']);
  });
});

describe('inbound', () => {
  it('ingests a message to another phone number of the business account: never', async () => {
    const { url, ingested } = await startChannel();
    const waId = newWaId();
    const body = webhook(graph, { messages: [text(waId, 'Hola')] }) as any;
    body.entry[0].changes[0].value.metadata.phone_number_id = '999';
    expect((await postWebhook(url, body)).status).toBe(200);
    expect(ingested).toEqual([]);
  });

  it('ingests text without a locale, with the wamid as id and the wa_id as conversation and sender', async () => {
    const { url, ingested } = await startChannel();
    const waId = newWaId();
    const m = text(waId, '  Hay un bache  ');
    await postWebhook(url, webhook(graph, { messages: [m], name: 'Ana' }));
    await eventually(() => ingested.length === 1, 5_000, 'the text');
    expect(ingested).toEqual([
      expect.objectContaining({ type: 'message', id: m.id, channelId: 'whatsapp-cloud', text: 'Hay un bache', conversation: expect.objectContaining({ id: waId }), from: expect.objectContaining({ id: waId, name: 'Ana' }) }),
    ]);
    expect(ingested[0]).not.toHaveProperty('locale');
  });

  it('ingests a photo that cannot be downloaded with its caption only, so the citizen still gets an answer', async () => {
    const { url, ingested } = await startChannel();
    const waId = newWaId();
    const photo = image(waId, 'no-such-media', 'el bache');
    await postWebhook(url, webhook(graph, { messages: [photo] }));
    await eventually(() => ingested.length === 1, 5_000, 'the photo message');
    expect(ingested[0]).toMatchObject({ id: photo.id, text: 'el bache' });
    expect(ingested[0]).not.toHaveProperty('attachments');
  });

  it('tries a media download that failed for a passing reason again, keeping the order of the messages behind it', async () => {
    const { url, ingested } = await startChannel();
    const waId = newWaId();
    graph.failMediaNext(503, 2);
    const photo = image(waId, graph.addMedia(PNG, 'image/png'));
    const after = text(waId, 'ahí va la foto');
    await postWebhook(url, webhook(graph, { messages: [photo] }));
    await postWebhook(url, webhook(graph, { messages: [after] }));
    await eventually(() => ingested.length === 2, 10_000, 'both messages');
    expect(ingested.map((a) => a.id)).toEqual([photo.id, after.id]);
    expect(ingested[0]?.attachments).toEqual([expect.objectContaining({ contentType: 'image/png', contentUrl: expect.stringMatching(/^http:\/\/city\.example\/media\//) })]);
  });

  it('picks up media messages a process acknowledged but died before ingesting', async () => {
    const prefix = testPrefix();
    const waId = newWaId();
    const photo = inboundMessageSchema.parse(image(waId, graph.addMedia(PNG, 'image/png')));
    // What the dead process left in Redis: the message in the mailbox, nobody working on it.
    const left = new InboundMailbox({ redis, prefix, log: pino({ level: 'silent' }), ingest: () => undefined, activities: undefined as never, fetchMedia: undefined as never });
    expect(await left.push(waId, { message: photo })).toBe(true);
    await left.stop();
    const { ingested } = await startChannel({ prefix });
    await eventually(() => ingested.length === 1, 5_000, 'the held photo');
    expect(ingested[0]).toMatchObject({ id: photo.id, attachments: [expect.objectContaining({ contentType: 'image/png' })] });
  });

  it('downloads a photo once although Meta delivers its webhook again', async () => {
    const { url, ingested } = await startChannel();
    const waId = newWaId();
    const downloads = graph.downloads;
    const body = webhook(graph, { messages: [image(waId, graph.addMedia(PNG, 'image/png'))] });
    await Promise.all([postWebhook(url, body), postWebhook(url, body), postWebhook(url, body)]);
    await eventually(() => ingested.length === 1, 5_000, 'the photo');
    await new Promise((r) => setTimeout(r, 300));
    expect(graph.downloads - downloads).toBe(1);
  });
});
