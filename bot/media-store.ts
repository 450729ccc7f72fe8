import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Attachment } from 'botbuilder';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MEDIA_NAME, mediaNameOf, type MediaExtension } from './media-url';
import { MediaUrlSigner } from './media-url-signer';
import { UnsupportedMediaError } from './errors';

/**
 * How long a link to one of our files lives once handed to a messaging platform (Telegram and WhatsApp
 * fetch a photo when it is sent; a voice note or file goes out as a link the citizen opens later).
 */
export const SHARED_MEDIA_TTL_S = 7 * 86_400;

/** Largest file any channel may store (WhatsApp's own limit for audio and images is 16 MB). */
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export interface MediaKind { contentType: string; ext: string }
const KINDS: Record<MediaExtension, MediaKind> = {
  jpg: { contentType: 'image/jpeg', ext: 'jpg' },
  png: { contentType: 'image/png', ext: 'png' },
  gif: { contentType: 'image/gif', ext: 'gif' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  ogg: { contentType: 'audio/ogg', ext: 'ogg' },
  mp3: { contentType: 'audio/mpeg', ext: 'mp3' },
  m4a: { contentType: 'audio/mp4', ext: 'm4a' },
  amr: { contentType: 'audio/amr', ext: 'amr' },
  // Only with SaveOptions.documents (an agent's file for a citizen); always served as a download.
  pdf: { contentType: 'application/pdf', ext: 'pdf' },
  // Only files the bot writes itself (saveGenerated), never a citizen's upload: served as downloads.
  json: { contentType: 'application/json; charset=utf-8', ext: 'json' },
  txt: { contentType: 'text/plain; charset=utf-8', ext: 'txt' },
  ics: { contentType: 'text/calendar; charset=utf-8', ext: 'ics' },
};

/** Kinds served as a download (`Content-Disposition: attachment`), never shown in the browser. */
const DOWNLOADS = new Set<MediaExtension>(['pdf', 'json', 'txt', 'ics']);

/**
 * The media type proven by the file's first bytes, whatever the sender claimed. Raster images, voice
 * notes and PDF (kept only when asked, see SaveOptions.documents): an SVG or HTML file served from our
 * origin could run script.
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
  if (ascii(0, 5) === '%PDF-') return KINDS.pdf;
  return undefined;
}

/** Images only (web chat uploads, ticket photos). */
export const isImage = (kind: MediaKind | undefined): kind is MediaKind => kind?.contentType.startsWith('image/') ?? false;

/** A stored file, as an attachment points to it. */
export interface StoredMedia { name: string; contentType: string; contentUrl: string }
export interface MediaFile { filename: string; data: Buffer }

export interface MediaStoreOptions {
  /**
   * Key of the signed media URLs. Every process of a deployment must use the same one (see
   * MediaUrlSigner.sharedSecret). @defaultValue a random key of this process only
   */
  secret?: string;
  /** @defaultValue Date.now */
  clock?: () => number;
}

export interface SaveOptions {
  /** Refuse anything but JPEG, PNG, WebP and GIF. @defaultValue false */
  imagesOnly?: boolean;
  /** Keep PDF documents too (an agent's file for a citizen; never a citizen's upload). @defaultValue false */
  documents?: boolean;
  /**
   * Who may fetch the files unsigned (see MediaAccess): the web chat stores its uploads for their
   * conversation. @defaultValue nobody: signed URLs only
   */
  owner?: string;
}

/**
 * Tells `GET /media/<name>` who is asking, from its Authorization header: the owner id a file must have
 * been stored for (SaveOptions.owner), or `undefined` (a missing, invalid or expired credential).
 */
export interface MediaAccess {
  ownerOf(authorization: string | undefined): Promise<string | undefined>;
}

/**
 * Files citizens send on any channel (photos, voice notes), under one directory that several web
 * processes share. A file is served (see `handler`) only through a signed, expiring URL, or to its
 * owner; its canonical URL `<PUBLIC_URL>/media/<name>` is an identifier kept in transcripts and
 * tickets, and whoever hands it outside (web chat echoes, the console, back offices, Telegram,
 * WhatsApp) hands a signed one (`signedUrl`).
 *
 * Read this before changing: the name's 144 random bits used to be the only capability, so a link
 * that leaked (a log, a forwarded ticket) worked forever. Issue 12, part 6.
 */
export class MediaStore {
  readonly signer: MediaUrlSigner;

  constructor(
    readonly dir: string,
    private readonly publicUrl: string,
    options: MediaStoreOptions = {},
  ) {
    this.signer = new MediaUrlSigner(options.secret ?? randomBytes(32).toString('base64url'), this.urlPrefix, options.clock);
  }

  get urlPrefix(): string {
    return `${this.publicUrl.replace(/\/+$/, '')}/media/`;
  }

  /** The stored name `url` points to, when it is exactly one of our media URLs (see mediaNameOf). */
  nameOf(url: string): string | undefined {
    return mediaNameOf(url, this.urlPrefix);
  }

  /** One of our media URLs signed for `ttlSeconds`; any other URL unchanged. */
  signedUrl(url: string, ttlSeconds: number): string {
    return this.signer.sign(url, ttlSeconds);
  }

  /**
   * `activity` with every attachment that is one of our files as a link signed for `ttlSeconds`: what a
   * sender hands a platform or person outside, who can send neither a token nor a cookie.
   */
  withSignedAttachments<T extends { attachments?: Attachment[] }>(activity: T, ttlSeconds = SHARED_MEDIA_TTL_S): T {
    if (!activity.attachments?.length) return activity;
    return { ...activity, attachments: activity.attachments.map((a) => (a.contentUrl ? { ...a, contentUrl: this.signedUrl(a.contentUrl, ttlSeconds) } : a)) };
  }

  /**
   * Checks every file before storing any, so a bad file leaves nothing behind.
   * Throws UnsupportedMediaError for a type we do not keep (or only images, with `imagesOnly`) or a file over MAX_MEDIA_BYTES.
   */
  async saveAll(files: MediaFile[], { imagesOnly = false, documents = false, owner }: SaveOptions = {}): Promise<StoredMedia[]> {
    const kinds = files.map((f) => {
      const kind = sniffMedia(f.data);
      if (!kind || (imagesOnly && !isImage(kind)) || (!documents && kind === KINDS.pdf)) {
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
        // The owner first: a file is never, even briefly, on disk with no record of whose it is.
        if (owner !== undefined) await writeFile(this.ownerFile(name), owner, { flag: 'wx' });
        await writeFile(path.join(this.dir, name), f.data, { flag: 'wx' });
        return { name: f.filename, contentType: kind.contentType, contentUrl: `${this.urlPrefix}${name}` };
      }),
    );
  }

  /** One file; see saveAll. */
  async save(file: MediaFile, options: SaveOptions = {}): Promise<StoredMedia> {
    const [stored] = await this.saveAll([file], options);
    return stored!;
  }

  /**
   * A file the bot wrote itself (a citizen's copy of their data), of a kind sniffing cannot prove:
   * never use it for anything a citizen or an agent sent. Reachable through signed URLs only.
   */
  async saveGenerated(file: MediaFile, ext: 'json' | 'txt' | 'ics'): Promise<StoredMedia> {
    if (file.data.length > MAX_MEDIA_BYTES) throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
    await mkdir(this.dir, { recursive: true });
    const name = `${randomBytes(18).toString('base64url')}.${ext}`;
    await writeFile(path.join(this.dir, name), file.data, { flag: 'wx' });
    return { name: file.filename, contentType: KINDS[ext].contentType, contentUrl: `${this.urlPrefix}${name}` };
  }

  /** Whom the file was stored for (SaveOptions.owner); `undefined` for nobody or no such file. */
  async ownerOf(name: string): Promise<string | undefined> {
    if (!MEDIA_NAME.test(name)) return undefined;
    try {
      return await readFile(this.ownerFile(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * `GET /media/…`; mount with `router.use('/media', …)`, which leaves the path undecoded:
   * - `/signed/<name>?expires&sig`: to anyone, while the signature is good and not expired;
   * - `/<name>`: to its owner only, as `access` reads the Authorization header.
   * No signature, a bad or expired one, another owner or an unknown file: 403; not a media path: 404;
   * a malformed percent escape: 400. Every refusal is a short JSON error that tells no more.
   */
  handler(access: MediaAccess): RequestHandler {
    return (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      this.serve(req, res, next, access).catch(next);
    };
  }

  private async serve(req: Request, res: Response, next: NextFunction, access: MediaAccess): Promise<void> {
    let segments: string[];
    try {
      segments = req.path.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return refuse(res, 400, 'BadArgument', 'malformed percent escape in the path');
    }
    const [first, second, ...rest] = segments;
    if (first === 'signed' && second !== undefined && rest.length === 0 && MEDIA_NAME.test(second)) {
      const verdict = this.signer.verify(second, queryText(req.query.expires), queryText(req.query.sig));
      return verdict === 'ok' ? this.send(second, res, next) : refuse(res, 403, 'Forbidden', 'bad or expired media link');
    }
    if (first !== undefined && second === undefined && MEDIA_NAME.test(first)) {
      const [owner, requester] = await Promise.all([this.ownerOf(first), access.ownerOf(req.headers.authorization)]);
      return owner !== undefined && owner === requester ? this.send(first, res, next) : refuse(res, 403, 'Forbidden', 'a signed link or the owner\'s token is needed');
    }
    refuse(res, 404, 'NotFound', 'no such media');
  }

  private send(name: string, res: Response, next: NextFunction): void {
    const ext = MEDIA_NAME.exec(name)?.[1] as MediaExtension;
    res.sendFile(
      name,
      {
        root: this.dir,
        dotfiles: 'deny',
        headers: {
          'Content-Type': KINDS[ext].contentType,
          'X-Content-Type-Options': 'nosniff',
          ...(DOWNLOADS.has(ext) ? { 'Content-Disposition': 'attachment' } : {}),
          'Cache-Control': 'private, max-age=86400, immutable',
        },
      },
      (err) => {
        if (!err) return;
        if ((err as { status?: number }).status === 404) refuse(res, 404, 'NotFound', 'no such media');
        else next(err);
      },
    );
  }

  private ownerFile(name: string): string {
    return path.join(this.dir, `${name}.owner`);
  }
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });
}

/** A query parameter given once, as text; anything else (absent, repeated, nested) is empty. */
const queryText = (value: unknown): string => (typeof value === 'string' ? value : '');
