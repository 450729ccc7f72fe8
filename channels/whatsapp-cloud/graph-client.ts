import { MAX_MEDIA_BYTES } from '../../bot/media-store';
import { AppError, UnsupportedMediaError } from '../../bot/errors';
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
  /** The last call was refused for its token (HTTP 401 or Graph error 190); cleared by the next success. */
  tokenRefused = false;

  constructor(private readonly options: GraphClientOptions) {
    this.base = options.apiBase.replace(/\/+$/, '');
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

  /** Downloads a media URL from `mediaInfo`. Refuses (UnsupportedMediaError) a file over MAX_MEDIA_BYTES without reading it all. */
  async download(url: string): Promise<Buffer> {
    const res = await this.request('media download', url, { method: 'GET' });
    if (!res.ok) throw graphFailure('media download', res.status, await errorOf(res));
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_MEDIA_BYTES) {
      await res.body?.cancel();
      throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
    }
    return readLimited(res, MAX_MEDIA_BYTES);
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
