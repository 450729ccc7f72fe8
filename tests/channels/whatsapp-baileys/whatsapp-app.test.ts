import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incoming, waMessage } from '../../support/baileys-socket-double';
import { eventually } from '../../support/redis';
import { Chat, startWhatsAppApp, type WhatsAppApp } from './harness';
import { PNG, startMediaServer } from './media-server';

/*
 * The whole bot (ROLE=all: queues, dialog engine, SQLite, HTTP) with the Baileys channel on, its
 * socket a double injected through startApp's hook: citizens' messages go in as `messages.upsert`,
 * the bot's answers come out through `sendMessage`.
 */

const REFERENCE = /ALU-\d{4}-\d{6}/;
const citizen = (): string => `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`;

let wa: WhatsAppApp;
let media: Awaited<ReturnType<typeof startMediaServer>>;

beforeAll(async () => {
  media = await startMediaServer();
  wa = await startWhatsAppApp();
  wa.socket().open();
});
afterAll(async () => {
  await wa?.stop();
  await media?.close();
});

describe('WhatsApp through Baileys, end to end', () => {
  it('files a complaint answered with numbers, a shared location and a photo, then answers its status', async () => {
    const chat = new Chat(wa, citizen());
    // What without where: the only question is where.
    const first = await chat.say(incoming.text(chat.jid, 'Hay una farola apagada desde hace una semana'), /¿Dónde está\?/);
    // The first answer to a new citizen ends with the shipped catalog's privacy notice; no later one repeats it.
    expect(first).toMatch(/\n\nProtección de datos: [^\n]+ https:\/\/ciudad-ejemplo\.example\/privacidad$/);
    const confirm = await chat.say(incoming.location(chat.jid, 41.3874, 2.1686, 'Calle Colón 12'), /— ¿lo envío\?/);
    expect(confirm).toMatch(/^Reclamo de Alumbrado público en /);
    expect(confirm).toMatch(/\n1\. Enviar\n2\. Añadir foto\n3\. Cambiar tipo\n4\. Cambiar servicio\n5\. Corregir lugar$/);
    const photo = await media.host(PNG, 'image');
    // A photo sent at the confirmation joins the report, which is shown again.
    await chat.say(waMessage(chat.jid, { imageMessage: { ...photo, mimetype: 'image/png' } }), /Fotos: 1/);
    const done = await chat.say(incoming.extendedText(chat.jid, '1'), REFERENCE);
    const reference = REFERENCE.exec(done)![0];

    const status = await chat.say(incoming.text(chat.jid, `¿Cómo va mi reclamo ${reference}?`), new RegExp(reference));
    expect(status).toContain(reference);
    expect(wa.socket().textsTo(chat.jid).filter((t) => t.includes('Protección de datos'))).toHaveLength(1);
    // "typing…" while the bot worked on the messages.
    expect(wa.sockets.flatMap((s) => s.presences).some((p) => p.type === 'composing' && p.jid === chat.jid)).toBe(true);
    // Every answer went to this chat only, and each sent message can be given again to a retrying phone.
    const sent = wa.socket().sent.filter((s) => s.jid === chat.jid);
    for (const s of sent) expect(await wa.socket().config.getMessage!(s.message.key)).toBeDefined();
  });

  it('ignores its own messages, status updates and groups', async () => {
    const chat = new Chat(wa, citizen());
    const group = '120363025246125486@g.us';
    wa.socket().receive([
      incoming.text(chat.jid, 'Hay una farola apagada en la calle Colón 12 desde hace una semana', { fromMe: true }),
      incoming.text('status@broadcast', 'Hay una farola apagada en la calle Colón 12'),
      incoming.text(group, 'Hay una farola apagada en la calle Colón 12'),
    ]);
    // Messages of one chat are answered in order: once this one is answered, the echo would have been too.
    await chat.say(incoming.text(chat.jid, 'Hay un bache enorme en la calle Mayor 3'), /\n1\. Enviar/);
    expect(chat.texts().some((t) => /Alumbrado público/.test(t))).toBe(false);
    expect(wa.sockets.flatMap((s) => s.sent).filter((s) => s.jid === group || s.jid === 'status@broadcast')).toEqual([]);
  });

  it('answers a message WhatsApp hands over ten times once', async () => {
    const chat = new Chat(wa, citizen());
    const message = incoming.text(chat.jid, 'Hay una farola apagada en la calle Colón 12 desde hace una semana');
    for (let i = 0; i < 10; i++) wa.socket().receive([message]);
    await chat.next(/Alumbrado público/, 0);
    await chat.say(incoming.text(chat.jid, 'sí'), REFERENCE);
    expect(chat.texts().filter((t) => /Alumbrado público/.test(t))).toHaveLength(1);
  });

  it('answers a sticker politely, without a turn, and the conversation goes on', async () => {
    const chat = new Chat(wa, citizen());
    const polite = await chat.say(incoming.sticker(chat.jid), /solo puedo leer texto, ubicaciones y fotos/);
    expect(polite).toBeTruthy();
    await chat.say(incoming.text(chat.jid, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), /Alumbrado público/);
    expect(chat.texts()).toHaveLength(2);
  });

  it('answers a sticker in the language the citizen spoke', async () => {
    const chat = new Chat(wa, citizen());
    await chat.say(incoming.text(chat.jid, 'Hi ha un fanal apagat al carrer Major des de fa una setmana'), /Enllumenat/);
    await chat.say(incoming.sticker(chat.jid), /^Perdona, de moment només puc llegir text, ubicacions i fotos\.$/);
  });

  it('reports the channel up on /readyz and /healthz/channels while the session is open', async () => {
    const res = await fetch(`${wa.url}/readyz`);
    const body = (await res.json()) as { channels: Record<string, string> };
    expect(res.status).toBe(200);
    expect(body.channels.whatsapp).toBe('ok');
    expect((await fetch(`${wa.url}/healthz/channels`)).status).toBe(200);
  });
});

describe('WhatsApp through Baileys, logged out', () => {
  let out: WhatsAppApp;
  beforeAll(async () => {
    out = await startWhatsAppApp();
    out.socket().open();
  });
  afterAll(async () => {
    await out?.stop();
  });

  it('stops without reconnecting, fails /healthz/channels with a clear detail (not /readyz), and forgets the dead session', async () => {
    const redis = out.app.redis;
    const credsKey = `${out.config.REDIS_PREFIX}:wa:auth:creds`;
    await eventually(async () => (await redis.exists(credsKey)) === 1, 5_000, 'creds saved on open');
    out.socket().close(401, 'Stream Errored (conflict)');
    const res = await fetch(`${out.url}/healthz/channels`);
    const body = (await res.json()) as { channels: Record<string, string> };
    expect(res.status).toBe(503);
    expect(body.channels.whatsapp).toBe('down: WhatsApp session logged out: pair again');
    expect((await fetch(`${out.url}/readyz`)).status).toBe(200);
    await eventually(async () => (await redis.exists(credsKey)) === 0, 5_000, 'the logged-out session deleted');
    await new Promise((r) => setTimeout(r, 300));
    expect(out.sockets).toHaveLength(1);
  });
});
