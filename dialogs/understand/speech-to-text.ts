import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '../../catalog/schema';
import { TranscriptionFailedError } from '../../bot/errors';

/** The part of bot/media-store's MediaStore the transcriber reads a stored voice note through. */
export interface StoredMediaReader {
  readonly dir: string;
  nameOf(url: string): string | undefined;
}

/** Turns a voice note (one of our media URLs) into text, or throws TranscriptionFailedError. */
export interface SpeechToText {
  transcribe(audio: { contentUrl: string; contentType?: string }, locale: Locale): Promise<string>;
}

export interface SpeechToTextOptions {
  /** OpenAI-compatible base URL (e.g. `https://api.openai.com/v1`); `/audio/transcriptions` is appended. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The whole call (upload and answer) is given up after this long. */
  timeoutMs: number;
  media: StoredMediaReader;
  /** @defaultValue 16 MB, WhatsApp's own audio limit (OpenAI's is 25 MB) */
  maxBytes?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Speech-to-text through an OpenAI-compatible server (OpenAI, a local whisper.cpp or faster-whisper
 * server). Reads the voice note from our media store, never from a URL a sender chose, so the bot
 * fetches nothing outside. Every failure (missing file, over the cap, timeout, non-2xx, empty text) is
 * one TranscriptionFailedError whose message names no citizen data.
 */
export function createSpeechToText(options: SpeechToTextOptions): SpeechToText {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async transcribe(audio, locale) {
      const name = options.media.nameOf(audio.contentUrl);
      if (!name) throw new TranscriptionFailedError('the voice note is not one of our stored files');
      const file = path.join(options.media.dir, name);
      let data: Buffer;
      try {
        if ((await stat(file)).size > maxBytes) throw new TranscriptionFailedError(`the voice note is over ${maxBytes} bytes`);
        data = await readFile(file);
      } catch (err) {
        if (err instanceof TranscriptionFailedError) throw err;
        throw new TranscriptionFailedError('the voice note could not be read from the media store', { cause: err });
      }
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(data)], { type: audio.contentType ?? 'application/octet-stream' }), name);
      form.append('model', options.model);
      form.append('language', locale);
      form.append('response_format', 'json');
      let res: Response;
      let body: unknown;
      try {
        res = await doFetch(endpoint, {
          method: 'POST',
          body: form,
          headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        body = res.ok ? await res.json() : undefined;
        if (!res.ok) await res.body?.cancel();
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new TranscriptionFailedError(timedOut ? `no transcription within ${options.timeoutMs} ms` : 'the speech-to-text server could not be reached', { cause: err });
      }
      if (!res.ok) throw new TranscriptionFailedError(`the speech-to-text server answered ${res.status}`);
      const text = typeof body === 'object' && body !== null && typeof (body as { text?: unknown }).text === 'string' ? (body as { text: string }).text.trim() : '';
      if (!text) throw new TranscriptionFailedError('the speech-to-text server returned no text');
      return text;
    },
  };
}

/** The speech-to-text client `config` asks for (STT_*), reading voice notes from `media`; none without STT_BASE_URL. */
export function speechToTextFromConfig(
  config: { STT_BASE_URL?: string | undefined; STT_MODEL: string; STT_API_KEY?: string | undefined; STT_TIMEOUT_MS: number },
  media: StoredMediaReader,
): SpeechToText | undefined {
  if (!config.STT_BASE_URL) return undefined;
  return createSpeechToText({
    baseUrl: config.STT_BASE_URL, model: config.STT_MODEL, timeoutMs: config.STT_TIMEOUT_MS, media,
    ...(config.STT_API_KEY ? { apiKey: config.STT_API_KEY } : {}),
  });
}
