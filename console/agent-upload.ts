import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { BadInputError, FileTooLargeError } from '../bot/errors';
import type { MediaFile } from '../bot/media-store';

/** Largest file an agent may send a citizen (Telegram fetches photos by URL up to 5 MB; WhatsApp allows 5 MB images). */
export const MAX_AGENT_FILE_BYTES = 5 * 1024 * 1024;
const MAX_CAPTION_CHARS = 2_000;

/** One file from the console's composer, with the text that goes with it. */
export interface AgentUpload {
  file: MediaFile;
  caption: string;
}

/**
 * Reads the console's multipart upload: one `file` part and an optional `text` field. An oversized file,
 * a second file or a body that ends before its closing boundary is refused whole (nothing is returned to
 * store); the body is drained either way, so the browser reads our answer.
 */
export function parseAgentUpload(req: IncomingMessage): Promise<AgentUpload> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_AGENT_FILE_BYTES + 64 * 1024) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fileSize: MAX_AGENT_FILE_BYTES, files: 1, fields: 2, fieldSize: MAX_CAPTION_CHARS * 4, parts: 3 } });
  } catch (err) {
    req.resume();
    return Promise.reject(new BadInputError('expected a multipart/form-data body', { cause: err }));
  }
  return new Promise<AgentUpload>((resolve, reject) => {
    let file: MediaFile | undefined;
    let caption = '';
    let refusal: Error | undefined;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume();
      bb.destroy();
      reject(e);
    };
    req.on('error', (err) => fail(truncated(err)));
    req.on('close', () => {
      if (!req.complete) fail(truncated());
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('error', (err) => fail(truncated(err)));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (refusal ??= tooLarge()));
      stream.on('end', () => {
        if (field === 'file') file = { filename: info.filename ?? 'file', data: Buffer.concat(chunks) };
      });
    });
    bb.on('field', (field, value) => {
      if (field === 'text') caption = value.trim().slice(0, MAX_CAPTION_CHARS);
    });
    bb.on('filesLimit', () => (refusal ??= new BadInputError('one file per upload')));
    bb.on('partsLimit', () => (refusal ??= new BadInputError('too many parts')));
    bb.on('error', (err) => fail(truncated(err)));
    bb.on('close', () => {
      if (settled) return;
      settled = true;
      if (refusal) reject(refusal);
      else if (!file || file.data.length === 0) reject(new BadInputError('no file in the upload'));
      else resolve({ file, caption });
    });
    req.pipe(bb);
  });
}

function tooLarge(): FileTooLargeError {
  return new FileTooLargeError(`files sent to a citizen must be at most ${MAX_AGENT_FILE_BYTES} bytes`);
}

function truncated(cause?: unknown): BadInputError {
  return new BadInputError('the upload ended before its body was complete', cause === undefined ? {} : { cause });
}
