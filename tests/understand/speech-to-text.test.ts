import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStore } from '../../bot/media-store';
import { TranscriptionFailedError } from '../../bot/errors';
import { createSpeechToText } from '../../dialogs/understand/speech-to-text';
import { startSttStub, type SttReply, type SttStub } from '../support/stt-stub-server';

// An Ogg page header is all the media store needs to keep the file as audio/ogg.
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 1)]);

describe('speech-to-text client (OpenAI-compatible /audio/transcriptions)', () => {
  let dir: string;
  let media: MediaStore;
  let stub: SttStub;
  let next: SttReply = { text: 'hay una farola apagada' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stt-'));
    media = new MediaStore(dir, 'http://bot.test');
    stub = await startSttStub(() => next);
  });
  afterAll(async () => {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  });

  const client = (timeoutMs = 5_000, maxBytes?: number) =>
    createSpeechToText({ baseUrl: stub.baseURL, model: 'whisper-1', apiKey: 'sk-test', timeoutMs, media, ...(maxBytes ? { maxBytes } : {}) });

  it('posts the stored voice note with the model and the conversation language and returns the text', async () => {
    const stored = await media.save({ filename: 'voice.ogg', data: OGG });
    next = { text: '  hay una farola apagada en la calle Colón 12 ' };
    const text = await client().transcribe({ contentUrl: stored.contentUrl, contentType: stored.contentType }, 'es');
    expect(text).toBe('hay una farola apagada en la calle Colón 12');
    const req = stub.requests.at(-1)!;
    expect(req).toMatchObject({ model: 'whisper-1', language: 'es', contentType: 'audio/ogg', authorization: 'Bearer sk-test' });
    expect(req.bytes.equals(OGG)).toBe(true);
  });

  it('gives up on a slow server with E_TRANSCRIPTION_FAILED', async () => {
    const stored = await media.save({ filename: 'voice.ogg', data: OGG });
    next = { text: 'too late', delayMs: 2_000 };
    const err = await client(200).transcribe({ contentUrl: stored.contentUrl }, 'ca').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionFailedError);
    expect((err as TranscriptionFailedError).code).toBe('E_TRANSCRIPTION_FAILED');
    expect((err as Error).message).toContain('within 200 ms');
  });

  it('fails with a coded error on a 500 and on an empty text', async () => {
    const stored = await media.save({ filename: 'voice.ogg', data: OGG });
    next = { status: 500 };
    await expect(client().transcribe({ contentUrl: stored.contentUrl }, 'en')).rejects.toThrow(/answered 500/);
    next = { text: '   ' };
    await expect(client().transcribe({ contentUrl: stored.contentUrl }, 'en')).rejects.toThrow(/no text/);
  });

  it('refuses a URL outside the media store, a missing file and a file over the cap without calling the server', async () => {
    const before = stub.requests.length;
    await expect(client().transcribe({ contentUrl: 'http://evil.test/x.ogg' }, 'es')).rejects.toBeInstanceOf(TranscriptionFailedError);
    await expect(client().transcribe({ contentUrl: 'http://bot.test/media/aaaaaaaaaaaaaaaaaaaaaaaa.ogg' }, 'es')).rejects.toBeInstanceOf(TranscriptionFailedError);
    const stored = await media.save({ filename: 'voice.ogg', data: OGG });
    await expect(client(5_000, 10).transcribe({ contentUrl: stored.contentUrl }, 'es')).rejects.toThrow(/over 10 bytes/);
    expect(stub.requests.length).toBe(before);
  });
});
