import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, RequestHandler, Response } from 'express';
import type { MediaUrlSigner } from './media-url-signer';
import { UnsupportedMediaError } from './errors';

/** Largest file any channel may store (WhatsApp's own limit for audio and images is 16 MB). */
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export interface MediaKind { contentType: string; ext: string }
const KINDS: Record<string, MediaKind> = {
  jpg: { contentType: 'image/jpeg', ext: 'jpg' },
  png: { contentType: 'image/png', ext: 'png' },
  gif: { contentType: 'image/gif', ext: 'gif' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  ogg: { contentType: 'audio/ogg', ext: 'ogg' },
  mp3: { contentType: 'audio/mpeg', ext: 'mp3' },
  m4a: { contentType: 'audio/mp4', ext: 'm4a' },
  amr: { contentType: 'audio/amr', ext: 'amr' },
};
const MEDIA_NAME = new RegExp(`^[A-Za-z0-9_-]{24}\\.(${Object.keys(KINDS).join('|')})$`);

/**
 * The media type proven by the file's first bytes, whatever the sender claimed. Raster images and
 * voice notes only: an SVG or HTML file served from our origin could run script.
 */
export function sniffMedia(buf: Buffer): MediaKind | undefined {
  const starts = (sig: number[], at = 0): boolean => sig.every((b, i) => buf[at + i] === b);
  const ascii = (from: number, to: number): string => buf.subarray(from, to).toString('latin1');
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return KINDS.png;
  if (starts([0xff, 0xd8, 0xff])) return KINDS.jpg;
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return KINDS.gif;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return KINDS.webp;
  if (ascii(0, 4) === 'OggS') return KINDS.ogg;
  if (ascii(0, 3) === 'ID3' || (buf[0] === 0xff && ((buf[1] ?? 0) & 0xe0) === 0xe0)) return KINDS.mp3;
  if (ascii(4, 8) === 'ftyp') return KINDS.m4a;
  if (ascii(0, 6) === '#!AMR\n') return KINDS.amr;
  return undefined;
}

/** Images only (web chat uploads, ticket photos). */
export const isImage = (kind: MediaKind | undefined): kind is MediaKind => kind?.contentType.startsWith('image/') ?? false;

/** A stored file, as an attachment points to it. */
export interface StoredMedia { name: string; contentType: string; contentUrl: string }
export interface MediaFile { filename: string; data: Buffer }

/**
 * Files citizens send on any channel (photos, voice notes), under one directory, served at
 * `GET /media/<id>.<ext>`. The id is 144 random bits: the URL is the capability (the bot, agents and
 * back offices fetch it without a token). Several web processes must share the directory.
 */
export class MediaStore {
  constructor(
    readonly dir: string,
    private readonly publicUrl: string,
  ) {}

  get urlPrefix(): string {
    return `${this.publicUrl.replace(/\/+$/, '')}/media/`;
  }

  /**
   * Checks every file before storing any, so a bad file leaves nothing behind.
   * Throws UnsupportedMediaError for a type we do not keep (or only images, with `imagesOnly`) or a file over MAX_MEDIA_BYTES.
   */
  async saveAll(files: MediaFile[], { imagesOnly = false } = {}): Promise<StoredMedia[]> {
    const kinds = files.map((f) => {
      const kind = sniffMedia(f.data);
      if (!kind || (imagesOnly && !isImage(kind))) {
        throw new UnsupportedMediaError(imagesOnly ? 'only JPEG, PNG, WebP and GIF images can be uploaded' : 'unsupported media type');
      }
      if (f.data.length > MAX_MEDIA_BYTES) throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
      return kind;
    });
    await mkdir(this.dir, { recursive: true });
    return Promise.all(
      files.map(async (f, i) => {
        const kind = kinds[i]!;
        const name = `${randomBytes(18).toString('base64url')}.${kind.ext}`;
        await writeFile(path.join(this.dir, name), f.data, { flag: 'wx' });
        return { name: f.filename, contentType: kind.contentType, contentUrl: `${this.urlPrefix}${name}` };
      }),
    );
  }

  /** One file; see saveAll. */
  async save(file: MediaFile, options: { imagesOnly?: boolean } = {}): Promise<StoredMedia> {
    const [stored] = await this.saveAll([file], options);
    return stored!;
  }

  /** `GET /media/:name`: the stored bytes with their real content type; JSON 404 otherwise. */
  handler(): RequestHandler {
    return (req, res, next) => this.send(String(req.params.name ?? ''), res, next);
  }

  /**
   * `GET /media/signed/:name?expires&sig`: the same file for a back office, only while the signature is
   * good (403) and not expired (410).
   */
  signedHandler(signer: MediaUrlSigner): RequestHandler {
    return (req, res, next) => {
      const name = String(req.params.name ?? '');
      const verdict = signer.verify(name, String(req.query.expires ?? ''), String(req.query.sig ?? ''));
      if (verdict === 'bad') return void res.status(403).json({ error: { code: 'Forbidden', message: 'bad media signature' } });
      if (verdict === 'expired') return void res.status(410).json({ error: { code: 'Gone', message: 'this media link expired' } });
      this.send(name, res, next);
    };
  }

  private send(name: string, res: Response, next: NextFunction): void {
    const ext = MEDIA_NAME.exec(name)?.[1];
    if (!ext) {
      res.status(404).json({ error: { code: 'NotFound', message: 'no such media' } });
      return;
    }
    res.sendFile(
      name,
      {
        root: this.dir,
        dotfiles: 'deny',
        headers: {
          'Content-Type': KINDS[ext]?.contentType ?? 'application/octet-stream',
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, max-age=86400, immutable',
        },
      },
      (err) => {
        if (!err) return;
        if ((err as { status?: number }).status === 404) res.status(404).json({ error: { code: 'NotFound', message: 'no such media' } });
        else next(err);
      },
    );
  }
}
