import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { incoming, waMessage } from '../../support/baileys-socket-double';
import { startSttStub, type SttReply, type SttStub } from '../../support/stt-stub-server';
import { voiceLines } from '../../support/voice-lines';
import { Chat, startWhatsAppApp, type WhatsAppApp } from './harness';
import { OGG, startMediaServer } from './media-server';

/*
 * Voice notes on WhatsApp (Baileys) through the whole app with STT_BASE_URL (issue 16 part 5): the
 * socket double delivers a voice note (audioMessage, ptt) whose audio the channel downloads and decrypts
 * from a local media CDN; a local OpenAI-compatible server transcribes it. Transcribed, it is filed like
 * the typed message, and the SQL transcript holds the text, the audio and the transcribed mark; a failing
 * server makes the bot ask the citizen to type, and the audio stays in the transcript for an agent.
 */

const REFERENCE = /ALU-\d{4}-\d{6}/;
let wa: WhatsAppApp;
let media: Awaited<ReturnType<typeof startMediaServer>>;
let stt: SttStub;
let db: Db;
let next: SttReply = {};

beforeAll(async () => {
  media = await startMediaServer();
  stt = await startSttStub(() => next);
  wa = await startWhatsAppApp({ STT_BASE_URL: stt.baseURL, STT_TIMEOUT_MS: '500' });
  wa.socket().open();
  db = await openDatabase({ sqlitePath: wa.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await wa?.stop();
  await stt?.close();
  await media?.close();
});

const chat = () => new Chat(wa, `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`);
const voiceNote = async (c: Chat) => waMessage(c.jid, { audioMessage: { ...(await media.host(OGG, 'audio')), mimetype: 'audio/ogg; codecs=opus', ptt: true } });

describe('voice notes on WhatsApp (Baileys) with STT_BASE_URL', () => {
  it('transcribes a voice note and files it like the typed message; the transcript keeps the text, the audio and the mark', async () => {
    next = { text: 'hay una farola apagada en la calle Colón 12' };
    const c = chat();
    const confirm = await c.say(await voiceNote(c), /— ¿lo envío\?/);
    expect(confirm).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?\n📝 hay una farola apagada en la calle Colón 12\n/);
    // The server got the decrypted audio itself, in the citizen's language.
    expect(stt.requests.at(-1)).toMatchObject({ model: 'whisper-1', language: 'es', bytes: OGG });
    const reference = REFERENCE.exec(await c.say(incoming.extendedText(c.jid, '1'), REFERENCE))![0];
    const ticket = await db.kysely.selectFrom('tickets').select(['service', 'description']).where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ service: 'alumbrado', description: expect.stringContaining('farola apagada') });
    const [line] = await voiceLines(db, c.jid.split('@')[0]!);
    expect(line).toMatchObject({ text: 'hay una farola apagada en la calle Colón 12', transcribed: true });
    expect(line!.audio).toEqual([expect.objectContaining({ contentType: expect.stringMatching(/^audio\/ogg/), contentUrl: expect.stringMatching(/\/media\/.+\.ogg$/) })]);
  });

  it('asks the citizen to type when the server fails, and keeps the audio for an agent', async () => {
    next = { status: 500 };
    const c = chat();
    const reply = await c.say(await voiceNote(c), /nota de voz/);
    expect(reply.startsWith('No he podido escuchar tu nota de voz')).toBe(true);
    const [line] = await voiceLines(db, c.jid.split('@')[0]!);
    expect(line).toMatchObject({ text: '', transcribed: false });
    expect(line!.audio).toHaveLength(1);
    // The conversation goes on with the typed message.
    await c.say(incoming.text(c.jid, 'hay una farola apagada en la calle Colón 12'), /Alumbrado público/);
  });
});
