import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStore } from '../../bot/media-store';
import { createCitizenBot } from '../../dialogs/citizen-bot';
import { CITIZEN_ID } from '../../dialogs/turn-keys';
import { createSpeechToText } from '../../dialogs/understand/speech-to-text';
import { TRANSCRIBED_ENTITY } from '../../dialogs/understand/voice-note';
import { startEngine, type Engine } from '../dialogs/engine/harness';
import { startSttStub, type SttReply, type SttStub } from '../support/stt-stub-server';

/*
 * The dialog engine with a real speech-to-text client against a local OpenAI-compatible server: a voice
 * note takes the typed message's path, and a slow or failing server makes the bot ask the citizen to type.
 */

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 2)]);
let engine: Engine;
let stub: SttStub;
let dir: string;
let media: MediaStore;
let next: SttReply = {};
let conversations = 0;

beforeAll(async () => {
  engine = await startEngine();
  stub = await startSttStub(() => next);
  dir = await mkdtemp(path.join(os.tmpdir(), 'voice-engine-'));
  media = new MediaStore(dir, 'http://bot.test');
});
afterAll(async () => {
  await stub.close();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** A conversation whose engine transcribes with a 300 ms timeout; `seen` gets every inbound activity after its turn. */
function conversation(seen: Partial<Activity>[]): TestAdapter {
  const speech = createSpeechToText({ baseUrl: stub.baseURL, model: 'whisper-1', timeoutMs: 300, media });
  const bot = createCitizenBot({ catalog: engine.catalog, classifier: engine.classifier, connector: engine.connector, storage: new MemoryStorage(), log: pino({ level: 'silent' }), speech });
  const id = `voice-${++conversations}`;
  return new TestAdapter(async (ctx) => {
    ctx.turnState.set(CITIZEN_ID, `citizen-${id}`);
    await bot.run(ctx);
    seen.push(ctx.activity);
  }, { conversation: { id, isGroup: false, conversationType: 'personal', name: 'test' }, locale: 'es-ES' });
}

async function voiceNote(): Promise<Partial<Activity>> {
  const stored = await media.save({ filename: 'voice.ogg', data: OGG });
  return { type: 'message', attachments: [{ contentType: stored.contentType, contentUrl: stored.contentUrl }] };
}

describe('voice notes in the engine', () => {
  it('classifies a transcribed voice note like the typed message, keeping the audio and marking the text', async () => {
    next = { text: 'hay una farola apagada en la calle Colón 12' };
    const seen: Partial<Activity>[] = [];
    const note = await voiceNote();
    await conversation(seen).send(note).assertReply((a) => expect(a.text).toMatch(/Alumbrado público/));
    expect(stub.requests.at(-1)).toMatchObject({ model: 'whisper-1', language: 'es' });
    // What the turn worker writes to the SQL transcript is this activity, after the turn.
    expect(seen[0]).toMatchObject({ text: 'hay una farola apagada en la calle Colón 12', attachments: note.attachments, entities: [{ type: TRANSCRIBED_ENTITY }] });
  });

  it('asks the citizen to type when the server is slower than the timeout, and keeps the audio', async () => {
    next = { text: 'demasiado tarde', delayMs: 3_000 };
    const seen: Partial<Activity>[] = [];
    await conversation(seen).send(await voiceNote()).assertReply((a) => expect(a.text).toMatch(/^No he podido escuchar tu nota de voz/));
    expect(seen[0]!.text ?? '').toBe('');
    expect(seen[0]!.attachments?.[0]?.contentType).toBe('audio/ogg');
  });

  it('asks the citizen to type when the server fails (500)', async () => {
    next = { status: 500 };
    const seen: Partial<Activity>[] = [];
    await conversation(seen).send(await voiceNote()).assertReply((a) => expect(a.text).toMatch(/^No he podido escuchar tu nota de voz/));
    expect(seen[0]!.entities ?? []).toEqual([]);
  });
});
