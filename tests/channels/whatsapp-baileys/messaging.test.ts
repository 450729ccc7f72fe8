import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { MemorySendProgress } from '../../support/send-progress';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../../../bot/activity';
import { ChannelUnavailableError } from '../../../bot/errors';
import { boom, incoming, messageId, textOf, waMessage } from '../../support/baileys-socket-double';
import { eventually } from '../../support/redis';
import { adapterRig, sleep, type AdapterRig } from './adapter-harness';
import { OGG, PNG, startMediaServer } from './media-server';

/* Inbound normalization and outbound delivery of the Baileys channel, on real Redis with a socket double. */

let media: Awaited<ReturnType<typeof startMediaServer>>;
const rigs: AdapterRig[] = [];
async function openRig(...args: Parameters<typeof adapterRig>): Promise<AdapterRig> {
  const r = await adapterRig(...args);
  rigs.push(r);
  r.doubles.latest().open();
  return r;
}
beforeAll(async () => {
  media = await startMediaServer();
});
afterEach(async () => {
  for (const r of rigs.splice(0).reverse()) await r.close();
});
afterAll(async () => {
  await media.close();
});

const JID = '34611000111@s.whatsapp.net';
const ref = { channel: 'whatsapp' as const, conversationId: JID };
const yesNo = (text: string, id = messageId()): Partial<Activity> => ({
  type: 'message', id, text,
  suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Sí', value: 'Sí' }, { type: 'imBack', title: 'No', value: 'No' }] },
});

describe('inbound', () => {
  it('ingests text as an Activity of channel whatsapp, keyed by the chat JID and the message id', async () => {
    const r = await openRig();
    const msg = incoming.extendedText(JID, 'Hay un bache', { pushName: 'Marta' });
    r.doubles.latest().receive([msg]);
    await eventually(() => r.ingested.length === 1, 2_000, 'ingested');
    expect(r.ingested[0]).toMatchObject({
      type: 'message', id: msg.key.id, channelId: 'whatsapp', text: 'Hay un bache',
      conversation: { id: JID }, from: { id: JID, name: 'Marta' },
    });
  });

  it('keeps one conversation id when WhatsApp addresses the chat by LID or by phone', async () => {
    const r = await openRig();
    const lid = '123456789012345@lid';
    r.doubles.latest().receive([incoming.text(JID, 'hola', { remoteJidAlt: lid }), incoming.text(lid, 'sigo aquí', { remoteJidAlt: JID })]);
    await eventually(() => r.ingested.length === 2, 2_000, 'ingested');
    expect(r.ingested.map((a) => a.conversation?.id)).toEqual([lid, lid]);
  });

  it('turns a shared location into a Place entity and a button reply into its text', async () => {
    const r = await openRig();
    r.doubles.latest().receive([incoming.location(JID, 41.39, 2.17, 'Plaça Major'), incoming.buttonReply(JID, 'Sí')]);
    await eventually(() => r.ingested.length === 2, 2_000, 'ingested');
    expect(locationOf(r.ingested[0]!)).toEqual({ latitude: 41.39, longitude: 2.17 });
    expect(r.ingested[0]!.entities?.[0]).toMatchObject({ type: 'Place', name: 'Plaça Major' });
    expect(r.ingested[1]!.text).toBe('Sí');
  });

  it('stores a photo (decrypted by Baileys) and a voice note as attachments; the caption becomes the text', async () => {
    const r = await openRig();
    const photo = await media.host(PNG, 'image');
    const voice = await media.host(OGG, 'audio');
    r.doubles.latest().receive([
      waMessage(JID, { imageMessage: { ...photo, mimetype: 'image/jpeg', caption: 'la farola' } }),
      waMessage(JID, { audioMessage: { ...voice, mimetype: 'audio/ogg; codecs=opus', ptt: true } }),
    ]);
    await eventually(() => r.ingested.length === 2, 5_000, 'both ingested');
    const [image, audio] = r.ingested;
    expect(image).toMatchObject({ text: 'la farola', attachments: [{ contentType: 'image/png', contentUrl: expect.stringMatching(/^http:\/\/bot\.test\/media\/.+\.png$/) }] });
    expect(audio).toMatchObject({ attachments: [{ contentType: 'audio/ogg', contentUrl: expect.stringMatching(/\.ogg$/) }] });
    const stored = async (a: Partial<Activity>) => readFile(path.join(r.mediaDir, path.basename(a.attachments![0]!.contentUrl!)));
    expect((await stored(image!)).equals(PNG)).toBe(true);
    expect((await stored(audio!)).equals(OGG)).toBe(true);
  });

  it('hands a sticker, a reaction and a contact card to the inbound queue with nothing readable, answering nothing itself', async () => {
    // The dialog engine answers such a message ("I can only read…") in the conversation's language, as on every channel.
    const r = await openRig();
    r.doubles.latest().receive([
      incoming.sticker(JID),
      incoming.reaction(JID, '👍'),
      waMessage(JID, { contactMessage: { displayName: 'Joan', vcard: 'BEGIN:VCARD\nEND:VCARD' } }),
    ]);
    await eventually(() => r.ingested.length === 3, 2_000, 'three messages ingested');
    for (const a of r.ingested) expect(a).toMatchObject({ type: 'message', channelId: 'whatsapp', conversation: { id: JID } });
    expect(r.ingested.map((a) => [a.text, a.entities, a.attachments])).toEqual(Array(3).fill([undefined, undefined, undefined]));
    expect(r.doubles.latest().sent).toEqual([]);
  });

  it('hands a sticker replayed after a restart to ingest under the same id, so the inbound queue drops the copy', async () => {
    const r = await openRig();
    const sticker = incoming.sticker(JID);
    r.doubles.latest().receive([sticker]);
    await eventually(() => r.ingested.length === 1, 2_000, 'the sticker ingested');
    const again = await r.restart();
    rigs.push(again);
    again.doubles.latest().open();
    again.doubles.latest().receive([sticker]);
    await eventually(() => again.ingested.length === 1, 2_000, 'the replay ingested');
    expect(again.ingested[0]?.id).toBe(r.ingested[0]?.id);
    expect(again.doubles.latest().sent).toEqual([]);
  });

  it('ignores echoes of our own messages, statuses, groups, newsletters and history (append) upserts', async () => {
    const r = await openRig();
    const socket = r.doubles.latest();
    socket.receive([incoming.text(JID, 'eco', { fromMe: true }), incoming.text('status@broadcast', 'estado'), incoming.text('1203630@g.us', 'grupo'), incoming.text('1203631@newsletter', 'canal')]);
    socket.receive([incoming.text(JID, 'historia')], 'append');
    socket.receive([incoming.text(JID, 'de verdad')]);
    await eventually(() => r.ingested.length === 1, 2_000, 'the real one');
    await sleep(100);
    expect(r.ingested.map((a) => a.text)).toEqual(['de verdad']);
    expect(socket.sent).toEqual([]);
  });

  it('hands a message upserted ten times to the inbound queue once', async () => {
    const r = await openRig();
    const msg = incoming.text(JID, 'hola');
    for (let i = 0; i < 10; i++) r.doubles.latest().receive([msg]);
    await eventually(() => r.ingested.length === 1, 2_000, 'ingested');
    await sleep(100);
    expect(r.ingested).toHaveLength(1);
  });

  it('keeps a chat\'s messages in order even when the first is a photo that takes longer', async () => {
    const r = await openRig();
    const photo = await media.host(PNG, 'image');
    r.doubles.latest().receive([waMessage(JID, { imageMessage: { ...photo, mimetype: 'image/png' } }), incoming.text(JID, 'ahí va la foto')]);
    await eventually(() => r.ingested.length === 2, 5_000, 'both');
    expect(r.ingested.map((a) => a.text ?? '(photo)')).toEqual(['(photo)', 'ahí va la foto']);
  });
});

describe('outbound', () => {
  it('sends numbered options and resolves "2", "dos" or the title back to the option before ingest', async () => {
    const r = await openRig();
    await r.channel.send(ref, [yesNo('¿Es **correcto**?')]);
    expect(r.doubles.latest().textsTo(JID)).toEqual(['¿Es *correcto*?\n\n1. Sí\n2. No']);
    r.doubles.latest().receive([incoming.text(JID, '2'), incoming.text(JID, 'uno'), incoming.text(JID, 'no')]);
    await eventually(() => r.ingested.length === 3, 2_000, 'ingested');
    expect(r.ingested.map((a) => a.text)).toEqual(['No', 'Sí', 'No']);
  });

  it('forgets the options once a question without options was sent: "2" stays "2"', async () => {
    const r = await openRig();
    await r.channel.send(ref, [yesNo('¿Es correcto?'), { type: 'message', id: messageId(), text: '¿Cuántas farolas?' }]);
    r.doubles.latest().receive([incoming.text(JID, '2')]);
    await eventually(() => r.ingested.length === 1, 2_000, 'ingested');
    expect(r.ingested[0]!.text).toBe('2');
  });

  it('shows typing as composing, then paused once the batch is out', async () => {
    const r = await openRig();
    await r.channel.send(ref, [{ type: 'typing', id: messageId() }, { type: 'message', id: messageId(), text: 'Un momento' }]);
    expect(r.doubles.latest().presences).toEqual([{ type: 'composing', jid: JID }, { type: 'paused', jid: JID }]);
  });

  it('leaves composing on after a typing-only batch (the turn has just started; the reply ends it)', async () => {
    const r = await openRig();
    await r.channel.send(ref, [{ type: 'typing' }]);
    expect(r.doubles.latest().presences).toEqual([{ type: 'composing', jid: JID }]);
  });

  it('sends an image attachment as an image', async () => {
    const r = await openRig();
    await r.channel.send(ref, [{ type: 'message', id: messageId(), text: 'Mira', attachments: [{ contentType: 'image/png', contentUrl: 'https://bot.test/media/a.png' }] }]);
    const [image, text] = r.doubles.latest().sent;
    expect(image?.content).toEqual({ image: { url: 'https://bot.test/media/a.png' } });
    expect(text?.content).toEqual({ text: 'Mira' });
  });

  it('sends any other file as a document with its type and name', async () => {
    const r = await openRig();
    await r.channel.send(ref, [{ type: 'message', id: messageId(), text: 'Tus datos', attachments: [{ contentType: 'application/json', contentUrl: 'https://bot.test/media/x.json', name: 'mis-datos.json' }] }]);
    const [doc, text] = r.doubles.latest().sent;
    expect(doc?.content).toEqual({ document: { url: 'https://bot.test/media/x.json' }, mimetype: 'application/json', fileName: 'mis-datos.json' });
    expect(text?.content).toEqual({ text: 'Tus datos' });
  });

  it('keeps every sent message for getMessage (retries), also for the next process', async () => {
    const r = await openRig();
    await r.channel.send(ref, [{ type: 'message', id: messageId(), text: 'Tu reclamo es ALU-2026-000001' }]);
    const sent = r.doubles.latest().sent[0]!.message;
    const given = await r.doubles.latest().config.getMessage!(sent.key);
    expect(given?.extendedTextMessage?.text ?? given?.conversation).toBe('Tu reclamo es ALU-2026-000001');
    expect(await r.doubles.latest().config.getMessage!({ remoteJid: JID, id: 'NEVER-SENT', fromMe: true })).toBeUndefined();
    const next = await r.restart();
    rigs.push(next);
    const again = await next.doubles.latest().config.getMessage!(sent.key);
    expect(textOf({ key: sent.key, message: again })).toBe('Tu reclamo es ALU-2026-000001');
  });

  it('on a retry after a failure half-way, sends only what was not delivered', async () => {
    const r = await openRig();
    const batch: Partial<Activity>[] = [
      { type: 'message', id: messageId(), text: 'Primero' },
      { type: 'message', id: messageId(), text: 'Segundo' },
    ];
    const socket = r.doubles.latest();
    const original = socket.sendMessage.bind(socket);
    let calls = 0;
    socket.sendMessage = async (jid, content) => {
      if (++calls === 2) throw boom('Connection Closed', 428);
      return original(jid, content);
    };
    const progress = new MemorySendProgress();
    const err = await r.channel.send(ref, batch, progress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect((err as ChannelUnavailableError).retryable).toBe(true);
    await r.channel.send(ref, batch, progress);
    expect(socket.textsTo(JID)).toEqual(['Primero', 'Segundo']);
  });

  it('refuses to send while the socket is not open (retryable)', async () => {
    const r = await adapterRig();
    rigs.push(r);
    const err = await r.channel.send(ref, [{ type: 'message', text: 'hola' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect((err as ChannelUnavailableError).retryable).toBe(true);
  });

  it('never logs message text or phone numbers at info level or above', async () => {
    const r = await openRig();
    r.doubles.latest().receive([incoming.text(JID, 'mi secreto', { pushName: 'Marta' })]);
    await r.channel.send(ref, [{ type: 'message', id: messageId(), text: 'respuesta secreta' }]);
    r.doubles.latest().close(408);
    await eventually(() => r.doubles.sockets.length === 2, 2_000, 'reconnected');
    const loud = r.logs().filter((l) => (l.level as number) >= 30).map((l) => JSON.stringify(l)).join('\n');
    expect(loud).not.toMatch(/secret|34611000111|Marta/);
  });
});
