import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { DirectLineHttpError } from './http-error';

/** Largest image a citizen may upload. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Most files in one upload (Web Chat sends one part per attachment). */
export const MAX_UPLOAD_FILES = 4;
const MAX_ACTIVITY_PART_BYTES = 256 * 1024;

interface ImageKind { contentType: string; ext: string }
const KIND_BY_EXT: Record<string, ImageKind> = {
  jpg: { contentType: 'image/jpeg', ext: 'jpg' },
  png: { contentType: 'image/png', ext: 'png' },
  gif: { contentType: 'image/gif', ext: 'gif' },
  webp: { contentType: 'image/webp', ext: 'webp' },
};
const MEDIA_NAME = /^[A-Za-z0-9_-]{24}\.(jpg|png|gif|webp)$/;

/**
 * The image type proven by the file's first bytes, whatever the client claimed.
 * Only raster formats: an SVG or HTML file served from our origin could run script.
 */
export function sniffImage(buf: Buffer): ImageKind | undefined {
  const starts = (sig: number[], at = 0): boolean => sig.every((b, i) => buf[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return KIND_BY_EXT.png;
  if (starts([0xff, 0xd8, 0xff])) return KIND_BY_EXT.jpg;
  if (buf.subarray(0, 6).toString('latin1') === 'GIF87a' || buf.subarray(0, 6).toString('latin1') === 'GIF89a') return KIND_BY_EXT.gif;
  if (buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return KIND_BY_EXT.webp;
  return undefined;
}

export interface UploadedFile { filename: string; data: Buffer }
export interface ParsedUpload {
  files: UploadedFile[];
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
    const files: UploadedFile[] = [];
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

/** A stored image, as an attachment points to it. */
export interface StoredMedia { name: string; contentType: string; contentUrl: string }

/**
 * Images citizens upload, as files under `${DATA_DIR}/uploads/`, served at `GET /media/<id>.<ext>`.
 * The id is 144 random bits: the URL is the capability (the bot, agents and back offices fetch it
 * without a Direct Line token). Several web processes must share DATA_DIR.
 */
export class MediaStore {
  constructor(
    readonly dir: string,
    private readonly publicUrl: string,
  ) {}

  get urlPrefix(): string {
    return `${this.publicUrl}/media/`;
  }

  /** Checks every file before storing any, so a bad file leaves nothing behind. */
  async saveAll(files: UploadedFile[]): Promise<StoredMedia[]> {
    const kinds = files.map((f) => {
      const kind = sniffImage(f.data);
      if (!kind) throw new DirectLineHttpError(415, 'UnsupportedMediaType', 'only JPEG, PNG, WebP and GIF images can be uploaded');
      return kind;
    });
    await mkdir(this.dir, { recursive: true });
    return Promise.all(
      files.map(async (f, i) => {
        const kind = kinds[i] as ImageKind;
        const name = `${randomBytes(18).toString('base64url')}.${kind.ext}`;
        await writeFile(path.join(this.dir, name), f.data, { flag: 'wx' });
        return { name: f.filename, contentType: kind.contentType, contentUrl: `${this.urlPrefix}${name}` };
      }),
    );
  }

  /** `GET /media/:name`: the stored bytes with their real content type; JSON 404 otherwise. */
  handler(): RequestHandler {
    return (req, res, next) => {
      const name = String(req.params.name ?? '');
      const kind = MEDIA_NAME.exec(name)?.[1];
      if (!kind) {
        next(new DirectLineHttpError(404, 'NotFound', 'no such media'));
        return;
      }
      res.sendFile(
        name,
        {
          root: this.dir,
          dotfiles: 'deny',
          headers: {
            'Content-Type': KIND_BY_EXT[kind]?.contentType ?? 'application/octet-stream',
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'private, max-age=86400, immutable',
          },
        },
        (err) => {
          if (err) next(err);
        },
      );
    };
  }
}
