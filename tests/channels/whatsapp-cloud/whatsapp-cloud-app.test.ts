import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { MediaUrlSigner } from '../../../bot/media-url-signer';
import { HistoryStore } from '../../../bot/sql/history-store';
import { DeliveryStatusStore } from '../../../channels/whatsapp-cloud/delivery-status-store';
import { REFERENCE, startTestApp, waitFor, type RunningApp } from '../../e2e/support';
import { redisClient } from '../../support/redis';
import { optionsOf, startGraphApiServer, textOfMessage, type GraphApiServer, type PostedMessage } from '../../support/graph-api-server';
import {
  audio, buttonReply, image, listReply, location, newWaId, OGG, PNG, postWebhook, status, sticker, text, VERIFY_TOKEN, webhook, welcome, whatsappEnv,
} from './webhooks';

/*
 * The whole bot (ROLE=all: webhook, queues, dialog engine, SQLite) with the WhatsApp Cloud channel on,
 * talking to a local Graph API server. Citizens are simulated by signed webhooks, as Meta sends them.
 */

let graph: GraphApiServer;
let bot: RunningApp;
let db: Db;
let statuses: DeliveryStatusStore;
const history = () => new HistoryStore(db);

beforeAll(async () => {
  graph = await startGraphApiServer();
  bot = await startTestApp(whatsappEnv(graph));
  // A second handle on the app's SQLite file, to read what the channel recorded.
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  statuses = new DeliveryStatusStore(db);
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await graph?.close();
});

/** One citizen's chat: sends signed webhooks and waits for what the bot POSTs to the Graph API. */
class Citizen {
  readonly waId = newWaId();
  private seen = 0;

  /** Everything the bot sent this citizen so far. */
  sent(): PostedMessage[] {
    return graph.messages.filter((m) => m.to === this.waId);
  }

  async send(...messages: Array<ReturnType<typeof text>>): Promise<void> {
    const res = await postWebhook(bot.url, webhook(graph, { messages }));
    expect(res.status).toBe(200);
  }

  /** Sends `message` and waits for the first new bot message whose text matches `expected`. */
  async ask(message: ReturnType<typeof text>, expected: RegExp, timeoutMs = 15_000): Promise<PostedMessage> {
    const from = this.seen;
    await this.send(message);
    const reply = await waitFor(() => this.sent().slice(from).find((m) => expected.test(textOfMessage(m.body))), `a reply matching ${expected}`, timeoutMs);
    this.seen = this.sent().indexOf(reply) + 1;
    return reply;
  }
}

describe('WhatsApp Cloud API channel, through the whole app', () => {
  it('files a complaint from text, reply buttons and a shared location, then answers its status', async () => {
    const c = new Citizen();
    // What without where: the only question is where.
    await c.ask(text(c.waId, 'Hay una farola apagada desde hace una semana'), /¿Dónde está\?/);
    const summary = await c.ask(location(c.waId, 41.3874, 2.1686, 'Calle Colón 12'), /^Reclamo de Alumbrado público en .* — ¿lo envío\?/);
    expect(summary.body.type).toBe('interactive');
    expect(optionsOf(summary.body).map((o) => o.title)).toEqual(['Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar']);
    const send = optionsOf(summary.body).find((o) => o.title === 'Enviar')!;
    const done = await c.ask(listReply(c.waId, send.id, send.title), REFERENCE);
    const reference = REFERENCE.exec(textOfMessage(done.body))![0];

    const answer = await c.ask(text(c.waId, `¿Cómo va ${reference}?`), new RegExp(reference));
    expect(textOfMessage(answer.body)).toMatch(/Estado: Recibido/);
    // Each message was marked read with "typing…" while the bot worked on it.
    expect(graph.reads.some((r) => r.typing)).toBe(true);
    // Every reply is recorded as accepted by the Graph API, under the activity it rendered: once Graph's
    // answer reached the adapter, which is after the double saw the message (so wait for the row).
    const row = await waitFor(() => statuses.get(answer.wamid), 'the reply\'s status row');
    expect(row).toMatchObject({ conversationId: c.waId, status: 'accepted' });
    expect(row?.activityId).toBeTruthy();
  });

  it('shows more than three options as a list, and takes the row the citizen picks', async () => {
    const c = new Citizen();
    const confirm = await c.ask(text(c.waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), /Alumbrado público/);
    expect(confirm.body.interactive?.type).toBe('list');
    expect(confirm.body.interactive.action.button).toBe('Ver opciones');
    const change = optionsOf(confirm.body).find((o) => o.title === 'Cambiar servicio')!;
    const pick = await c.ask(listReply(c.waId, change.id, change.title), /¿Sobre qué es\?/);
    const rows = optionsOf(pick.body);
    expect(rows.length).toBeGreaterThan(3);
    expect(pick.body.interactive?.type).toBe('list');
    expect(rows.at(-1)?.title).toBe('Otro servicio');
    const row = rows[0]!;
    await c.ask(listReply(c.waId, row.id, row.title), new RegExp(`^Reclamo de ${row.title} en calle Colón 12 — ¿lo envío\\?`));
  });

  it('greets a citizen who opens the chat for the first time with the menu as reply buttons', async () => {
    const c = new Citizen();
    const greeting = await c.ask(welcome(c.waId), /Hola/);
    expect(greeting.body.interactive?.type).toBe('button');
    expect(optionsOf(greeting.body).map((o) => o.title)).toEqual(['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']);
  });

  it('answers a sticker politely without moving the conversation on', async () => {
    const c = new Citizen();
    await c.ask(text(c.waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), /Alumbrado público/);
    await c.ask(sticker(c.waId), /solo puedo leer texto, ubicaciones y fotos/);
    // Still at the same question: "Sí" answers it.
    await c.ask(text(c.waId, 'Sí'), REFERENCE);
  });

  it('stores a photo as an attachment, downloading it after the webhook was acknowledged, in order with what follows', async () => {
    const c = new Citizen();
    const mediaId = graph.addMedia(PNG, 'image/png');
    const downloadsBefore = graph.downloads;
    graph.downloadDelayMs = 1_000;
    try {
      const photo = image(c.waId, mediaId, 'la farola rota');
      const started = Date.now();
      await c.send(photo);
      expect(Date.now() - started).toBeLessThan(500);
      expect(graph.downloads).toBe(downloadsBefore);
      // Sent while the photo still downloads: it must reach the bot after the photo, not before.
      const after = text(c.waId, 'Hola');
      await c.send(after);
      const transcript = await waitFor(async () => {
        const lines = (await history().transcript('whatsapp-cloud', c.waId)).filter((l) => l.direction === 'in');
        return lines.length >= 2 ? lines : undefined;
      }, 'both messages in the transcript');
      expect(transcript.map((l) => l.activityId)).toEqual([photo.id, after.id]);
      const [attachment] = transcript[0]!.attachments as Array<{ contentType: string; contentUrl: string }>;
      expect(attachment?.contentType).toBe('image/png');
      expect(transcript[0]!.text).toBe('la farola rota');
      // Closed to a bare URL (issue 12); a link signed with the app's shared secret opens it.
      expect((await fetch(attachment!.contentUrl)).status).toBe(403);
      const redis = redisClient();
      const secret = await MediaUrlSigner.sharedSecret(redis, bot.config.REDIS_PREFIX).finally(() => redis.quit());
      const stored = await fetch(new MediaUrlSigner(secret, `${bot.url}/media/`).sign(attachment!.contentUrl, 60));
      expect(stored.status).toBe(200);
      expect(Buffer.from(await stored.arrayBuffer())).toEqual(PNG);
    } finally {
      graph.downloadDelayMs = 0;
    }
  });

  it('keeps a voice note as an audio attachment', async () => {
    const c = new Citizen();
    const note = audio(c.waId, graph.addMedia(OGG, 'audio/ogg'));
    await c.send(note);
    const line = await waitFor(async () => (await history().transcript('whatsapp-cloud', c.waId)).find((l) => l.activityId === note.id), 'the voice note');
    expect(line.attachments).toEqual([expect.objectContaining({ contentType: 'audio/ogg', contentUrl: expect.stringContaining('/media/') })]);
  });

  it('gives one answer to a webhook Meta delivers ten times', async () => {
    const c = new Citizen();
    const body = webhook(graph, { messages: [text(c.waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana')] });
    const responses = await Promise.all(Array.from({ length: 10 }, () => postWebhook(bot.url, body)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    await waitFor(() => c.sent().find((m) => /Alumbrado público/.test(textOfMessage(m.body))), 'the answer');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(c.sent().filter((m) => /Alumbrado público/.test(textOfMessage(m.body)))).toHaveLength(1);
  });

  it('records delivery statuses on the sent message, in any order they arrive, and failures with their error', async () => {
    const c = new Citizen();
    const reply = await c.ask(text(c.waId, 'Hola'), /./);
    for (const s of ['delivered', 'sent', 'read', 'delivered'] as const) {
      expect((await postWebhook(bot.url, webhook(graph, { statuses: [status(reply.wamid, c.waId, s)] }))).status).toBe(200);
    }
    expect(await statuses.get(reply.wamid)).toMatchObject({ status: 'read', conversationId: c.waId, activityId: expect.any(String) });

    // A failure, reported before our own insert of the message committed (the row is created by the status).
    const early = status('wamid.HBgLMzQ2MDAwMDAwMDAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA', c.waId, 'failed', [
      { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed' } },
    ]);
    expect((await postWebhook(bot.url, webhook(graph, { statuses: [early] }))).status).toBe(200);
    expect(await statuses.get(early.id)).toMatchObject({
      status: 'failed',
      error: { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours have passed' },
    });
    // A late `sent` for it does not hide the failure.
    await postWebhook(bot.url, webhook(graph, { statuses: [status(early.id, c.waId, 'sent')] }));
    expect((await statuses.get(early.id))?.status).toBe('failed');
  });

  it('retries a reply the Graph API refused with 500 or 429, and sends it once', async () => {
    const c = new Citizen();
    graph.failNext(500, 1);
    graph.failNext(429, 1);
    await c.ask(text(c.waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), /Alumbrado público/, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.sent().filter((m) => /Alumbrado público/.test(textOfMessage(m.body)))).toHaveLength(1);
  });
});

describe('WhatsApp Cloud webhook security', () => {
  it("echoes hub.challenge when the verify token matches, and answers 403 when it does not", async () => {
    const ok = await fetch(`${bot.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${bot.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('1158201444');
    const none = await fetch(`${bot.url}/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1158201444`);
    expect(none.status).toBe(403);
  });

  it('rejects forged and unsigned webhooks with nothing ingested, and a signed malformed one with 400', async () => {
    const c = new Citizen();
    const message = text(c.waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana');
    const body = webhook(graph, { messages: [message] });
    expect((await postWebhook(bot.url, body, { signature: null })).status).toBe(401);
    expect((await postWebhook(bot.url, body, { secret: 'not-the-app-secret' })).status).toBe(403);
    expect((await postWebhook(bot.url, body, { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(403);
    expect((await postWebhook(bot.url, body, { signature: 'sha1=abc' })).status).toBe(403);
    expect((await postWebhook(bot.url, '{"object":"whatsapp_business_account","entry":[')).status).toBe(400);
    expect((await postWebhook(bot.url, '{"entry":"nope"}')).status).toBe(400);

    await new Promise((r) => setTimeout(r, 500));
    const prefix = bot.config.REDIS_PREFIX;
    expect(await bot.app.redis.exists(`${prefix}:inbound:seen:whatsapp-cloud|${message.id}`)).toBe(0);
    expect(await bot.app.redis.zscore(`${prefix}:wac:last-inbound`, c.waId)).toBeNull();
    expect(c.sent()).toEqual([]);
    // The same message, genuinely signed, is handled: the forgeries left no trace that would drop it as a duplicate.
    await c.ask(message, /Alumbrado público/);
    expect(await bot.app.redis.exists(`${prefix}:inbound:seen:whatsapp-cloud|${message.id}`)).toBe(1);
    expect(await bot.app.redis.zscore(`${prefix}:wac:last-inbound`, c.waId)).not.toBeNull();
  });
});
