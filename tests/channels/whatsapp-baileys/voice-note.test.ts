import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waMessage, incoming } from '../../support/baileys-socket-double';
import { Chat, startWhatsAppApp, type WhatsAppApp } from './harness';
import { OGG, startMediaServer } from './media-server';

/*
 * A WhatsApp voice note (audioMessage, ptt) through the Baileys socket double on the whole app, without
 * speech-to-text configured: the citizen is asked to type, and the typed message goes on as usual.
 */

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

describe('a WhatsApp voice note without STT_BASE_URL', () => {
  it('asks the citizen to type it, then files the typed message', async () => {
    const chat = new Chat(wa, `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`);
    const voice = await media.host(OGG, 'audio');
    const reply = await chat.say(waMessage(chat.jid, { audioMessage: { ...voice, mimetype: 'audio/ogg; codecs=opus', ptt: true } }), /nota de voz/);
    expect(reply.startsWith('No he podido escuchar tu nota de voz')).toBe(true);
    await chat.say(incoming.text(chat.jid, 'hay una farola apagada en la calle Colón 12'), /Alumbrado público/);
  });
});
