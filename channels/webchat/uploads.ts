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
  return new Promise<ParsedUpload>((resolve, reject) => {
    const files: MediaFile[] = [];
    let activityJson: string | undefined;
    let refusal: DirectLineHttpError | undefined;
    let received = 0;
    const refuse = (e: DirectLineHttpError): void => {
      refusal ??= e;
    };

    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxTotal && !refusal) {
        refuse(new DirectLineHttpError(413, 'MessageSizeTooBig', 'upload too large'));
        req.unpipe(bb);
        req.resume(); // keep draining so the socket stays usable for our answer
        reject(refusal);
      }
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
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
    bb.on('error', (err) => reject(new DirectLineHttpError(400, 'BadArgument', 'malformed multipart body', { cause: err })));
    bb.on('close', () => {
      if (refusal) reject(refusal);
      else resolve({ files, ...(activityJson !== undefined ? { activityJson } : {}) });
    });
    req.pipe(bb);
  });
}
