import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { MediaFile } from '../../bot/media-store';
import { DirectLineHttpError } from './http-error';

/** Largest image a citizen may upload. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Most files in one upload (Web Chat sends one part per attachment). */
export const MAX_UPLOAD_FILES = 4;
const MAX_ACTIVITY_PART_BYTES = 256 * 1024;


export interface ParsedUpload {
  files: MediaFile[];
  /** The `activity` part (JSON text), when the client sent one. */
  activityJson?: string;
}

/**
 * Reads a Direct Line upload: file parts plus an optional `activity` part, which directlinejs sends
 * as a Blob (so it arrives as a file part named `activity`) and other clients as a plain field.
 * The whole body is drained before answering, so the client always reads our JSON error.
 */
export function parseUpload(req: IncomingMessage): Promise<ParsedUpload> {
  const maxTotal = MAX_UPLOAD_FILES * MAX_UPLOAD_BYTES + MAX_ACTIVITY_PART_BYTES + 64 * 1024;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxTotal) return Promise.reject(new DirectLineHttpError(413, 'MessageSizeTooBig', 'upload too large'));
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: { fileSize: MAX_UPLOAD_BYTES, files: MAX_UPLOAD_FILES + 1, fields: 4, fieldSize: MAX_ACTIVITY_PART_BYTES, parts: MAX_UPLOAD_FILES + 5 },
    });
  } catch (err) {
    return Promise.reject(new DirectLineHttpError(400, 'BadArgument', 'expected a multipart/form-data body', { cause: err }));
  }
  // The client went away while we waited to read (authentication, Redis): nothing will ever arrive.
  if (req.destroyed) return Promise.reject(interrupted());
  return new Promise<ParsedUpload>((resolve, reject) => {
    const files: MediaFile[] = [];
    let activityJson: string | undefined;
    let refusal: DirectLineHttpError | undefined;
    let settled = false;
    let received = 0;
    const refuse = (e: DirectLineHttpError): void => {
      refusal ??= e;
    };
    // Stops parsing at once: busboy is torn down (its part streams error, and are listened to below), what the
    // client still sends is drained so it can read our answer, and nothing read so far is kept.
    const fail = (e: DirectLineHttpError): void => {
      if (settled) return;
      settled = true;
      files.length = 0;
      req.unpipe(bb);
      req.resume();
      bb.destroy();
      reject(e);
    };
    // Every stream here gets an `error` listener: an unlistened one would take the whole process down.
    req.on('error', (err) => fail(interrupted(err)));
    req.on('close', () => {
      if (!req.complete) fail(interrupted());
    });
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxTotal) fail(new DirectLineHttpError(413, 'MessageSizeTooBig', 'upload too large'));
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('error', (err) => fail(malformed(err)));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => refuse(field === 'activity'
        ? new DirectLineHttpError(413, 'MessageSizeTooBig', 'activity part too large')
        : new DirectLineHttpError(413, 'MessageSizeTooBig', `each file must be at most ${MAX_UPLOAD_BYTES} bytes`)));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        if (field === 'activity') activityJson = data.subarray(0, MAX_ACTIVITY_PART_BYTES).toString('utf8');
        else files.push({ filename: info.filename ?? 'file', data });
      });
    });
    bb.on('field', (field, value, info) => {
      if (field !== 'activity') return;
      if (info.valueTruncated) refuse(new DirectLineHttpError(413, 'MessageSizeTooBig', 'activity part too large'));
      activityJson = value;
    });
    bb.on('filesLimit', () => refuse(new DirectLineHttpError(413, 'MessageSizeTooBig', `at most ${MAX_UPLOAD_FILES} files per upload`)));
    bb.on('partsLimit', () => refuse(new DirectLineHttpError(413, 'MessageSizeTooBig', 'too many parts')));
    // E.g. "Unexpected end of form": the body ended inside a part (its file stream errors too, see above).
    bb.on('error', (err) => fail(malformed(err)));
    bb.on('close', () => {
      if (settled) return;
      settled = true;
      if (refusal) reject(refusal);
      else resolve({ files, ...(activityJson !== undefined ? { activityJson } : {}) });
    });
    req.pipe(bb);
  });
}

function malformed(cause: unknown): DirectLineHttpError {
  return new DirectLineHttpError(400, 'BadArgument', 'malformed multipart body: it ended before its closing boundary, or a part is broken', { cause });
}

/** The client closed the connection mid-upload; nobody reads this answer, but the route ends cleanly. */
function interrupted(cause?: unknown): DirectLineHttpError {
  return new DirectLineHttpError(400, 'BadArgument', 'the upload ended before its body was complete (connection closed)', cause === undefined ? {} : { cause });
}
