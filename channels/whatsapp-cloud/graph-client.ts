import { MAX_MEDIA_BYTES } from '../../bot/media-store';
import { AppError, UnsupportedMediaError, UntrustedMediaUrlError } from '../../bot/errors';
import { graphFailure, graphUnreachable, type GraphErrorBody } from './graph-error';
import type { GraphMessage } from './graph-message';

export interface GraphClientOptions {
  /** e.g. `https://graph.facebook.com/v21.0`, no trailing slash needed. */
  apiBase: string;
  /** A system-user access token with `whatsapp_business_messaging`. Never logged. */
  token: string;
  /** The business phone number's id (not the number itself). */
  phoneNumberId: string;
  /** Per request. @defaultValue 15000 */
  timeoutMs?: number;
}

/** Meta's media CDN: where `GET /{media-id}` points in production (`https://lookaside.fbsbx.com/whatsapp_business/…`). */
export const META_MEDIA_ORIGIN = 'https://lookaside.fbsbx.com';
/** Redirects a media download may take, each to a trusted origin too. */
const MAX_MEDIA_REDIRECTS = 3;

/** What `GET /{media-id}` answers: a short-lived download URL (it needs the same bearer token). */
export interface MediaInfo {
  url: string;
  mimeType?: string;
}

/**
 * The few Graph API calls the channel makes. Every failure is an AppError: retryable
 * (ChannelUnavailableError) or not (DeliveryRejectedError, UnsupportedMediaError); see graph-error.ts.
 */
export class GraphClient {
  private readonly base: string;
  /** Origins the bearer token may go to: the API's own and Meta's media CDN (see download). */
  private readonly trustedOrigins: ReadonlySet<string>;
  /** The last call was refused for its token (HTTP 401 or Graph error 190); cleared by the next success. */
  tokenRefused = false;

  constructor(private readonly options: GraphClientOptions) {
    this.base = options.apiBase.replace(/\/+$/, '');
    this.trustedOrigins = new Set([new URL(this.base).origin, META_MEDIA_ORIGIN]);
  }

  /** `POST /{phone-id}/messages`; resolves with the new message's wamid. */
  async sendMessage(message: GraphMessage): Promise<string> {
    const body = await this.json<{ messages?: Array<{ id?: string }> }>('send message', `${this.base}/${this.options.phoneNumberId}/messages`, {
      method: 'POST',
      body: JSON.stringify(message),
    });
    const wamid = body.messages?.[0]?.id;
    if (!wamid) throw graphFailure('send message', 200, { message: 'no message id in the response' });
    return wamid;
  }

  /** Marks a citizen's message as read and, with `typing`, shows "typing…" for up to 25 s or until we answer. */
  async markRead(messageId: string, typing: boolean): Promise<void> {
    await this.json('mark as read', `${this.base}/${this.options.phoneNumberId}/messages`, {
      method: 'POST',
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: messageId,
        ...(typing ? { typing_indicator: { type: 'text' } } : {}),
      }),
    });
  }

  /** `GET /{media-id}`: where to download a file a citizen sent. */
  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    const body = await this.json<{ url?: string; mime_type?: string }>('media lookup', `${this.base}/${encodeURIComponent(mediaId)}`, { method: 'GET' });
    if (!body.url) throw graphFailure('media lookup', 200, { message: 'no url in the response' });
    return { url: body.url, ...(body.mime_type ? { mimeType: body.mime_type } : {}) };
  }

  /**
   * Downloads a media URL from `mediaInfo`. Refuses (UnsupportedMediaError) a file over MAX_MEDIA_BYTES without reading it all.
   *
   * The URL comes from a response, and the request carries our access token: it is sent only to Graph's
   * API origin (WHATSAPP_CLOUD_API_BASE) or Meta's media CDN, redirects included; any other URL is refused
   * with UntrustedMediaUrlError before a byte leaves.
   */
  async download(url: string): Promise<Buffer> {
    const res = await this.followTrusted(url);
    if (!res.ok) throw graphFailure('media download', res.status, await errorOf(res));
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_MEDIA_BYTES) {
      await res.body?.cancel();
      throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
    }
    return readLimited(res, MAX_MEDIA_BYTES);
  }

  /** GETs `url` with the token, following redirects by hand so that every hop is checked first. */
  private async followTrusted(url: string): Promise<Response> {
    let at = this.trusted(url);
    for (let hop = 0; ; hop++) {
      const res = await this.request('media download', at.href, { method: 'GET', redirect: 'manual' });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (location === null) return res;
      await res.body?.cancel();
      if (hop === MAX_MEDIA_REDIRECTS) throw graphFailure('media download', res.status, { message: 'too many redirects' });
      at = this.trusted(location, at);
    }
  }

  private trusted(url: string, base?: URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(url, base);
    } catch (err) {
      throw new UntrustedMediaUrlError('media download refused: not a URL', { cause: err });
    }
    if (!this.trustedOrigins.has(parsed.origin) || parsed.username || parsed.password) {
      throw new UntrustedMediaUrlError(`media download refused: ${parsed.host || 'that URL'} is neither the Graph API nor Meta's media CDN`);
    }
    return parsed;
  }

  private async json<T>(what: string, url: string, init: RequestInit): Promise<T> {
    const res = await this.request(what, url, init);
    if (!res.ok) {
      const error = await errorOf(res);
      if (res.status === 401 || error?.code === 190) this.tokenRefused = true;
      throw graphFailure(what, res.status, error);
    }
    this.tokenRefused = false;
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw graphUnreachable(what, err);
    }
  }

  private async request(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        headers: { authorization: `Bearer ${this.options.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw graphUnreachable(what, err);
    }
  }
}

async function errorOf(res: Response): Promise<GraphErrorBody | undefined> {
  try {
    return ((await res.json()) as { error?: GraphErrorBody }).error;
  } catch {
    // Not JSON (a proxy's HTML error page): the status alone decides.
    return undefined;
  }
}

async function readLimited(res: Response, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > max) throw new UnsupportedMediaError(`media over ${max} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw graphUnreachable('media download', err);
  }
  return Buffer.concat(chunks);
}
