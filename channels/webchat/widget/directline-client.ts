import type { SessionStore } from './session-store';
import type { DlActivity, DlConversation, DlFrame } from './types';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface DirectLineClientOptions {
  /** Absolute base, e.g. `https://bot.example/v3/directline`. */
  base: string;
  /** Optional host endpoint returning `{ token }`; defaults to `{base}/tokens/generate`. */
  tokenUrl?: string;
  store: SessionStore;
  /** The language the conversation starts in (sent when it is created, so the greeting comes in it). */
  locale?: () => string;
  onActivities(activities: DlActivity[]): void;
  onStatus(status: ConnectionStatus): void;
}

/** An HTTP answer other than 2xx. `status` 0 means the request never got an answer. */
export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineError';
  }
  /** 401/403/404: the token or conversation is gone; retrying the same call will not help. */
  get rejected(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Direct Line 3.0 over `fetch` + `WebSocket`, without the SDK (which alone is larger than
 * this whole widget). Owns the token, the conversation id, the watermark and the socket.
 */
export class DirectLineClient {
  private socket: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private started: Promise<void> | undefined;

  constructor(private readonly opts: DirectLineClientOptions) {}

  get userId(): string {
    return this.opts.store.get().userId;
  }

  /** Resumes the tab's conversation if it is still valid, otherwise starts a new one. Idempotent. */
  start(): Promise<void> {
    this.started ??= this.connect();
    return this.started;
  }

  /** Sends one activity; returns the id the server gave it (its echo will carry the same id). */
  async postActivity(activity: DlActivity): Promise<string> {
    await this.start();
    const res = await this.authed('POST', `/conversations/${this.conversationId()}/activities`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return ((await res.json()) as { id: string }).id;
  }

  /**
   * Uploads a file as the standard Direct Line multipart `upload`; the part named `activity`
   * carries our clientActivityID so the echo can be matched to the preview already on screen.
   */
  async upload(file: File, activity: DlActivity): Promise<string> {
    await this.start();
    const form = new FormData();
    form.append('file', file, file.name || 'photo');
    form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
    const path = `/conversations/${this.conversationId()}/upload?userId=${encodeURIComponent(this.userId)}`;
    const res = await this.authed('POST', path, { body: form });
    return ((await res.json()) as { id: string }).id;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    this.socket?.close(1000);
  }

  /** Reconnects now instead of waiting for the backoff (e.g. the browser came back online). */
  nudge(): void {
    if (this.closed || this.socket?.readyState === WebSocket.OPEN || !this.started) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    void this.reconnect();
  }

  private async connect(): Promise<void> {
    this.opts.onStatus('connecting');
    for (;;) {
      try {
        const conv = (await this.resume()) ?? (await this.create());
        this.openStream(conv);
        return;
      } catch (err) {
        if (this.closed) throw err;
        this.opts.onStatus('offline');
        await sleep(this.nextBackoff());
      }
    }
  }

  /** The stored conversation with a fresh token and stream, or undefined if it cannot be resumed. */
  private async resume(): Promise<DlConversation | undefined> {
    const { conversationId, token } = this.opts.store.get();
    if (!conversationId || !token) return undefined;
    try {
      await this.refreshToken();
      return await this.streamFor();
    } catch (err) {
      if (!(err instanceof DirectLineError) || !err.rejected) throw err;
      this.opts.store.reset(); // expired or unknown on the server: start over, keep the user id
      return undefined;
    }
  }

  private async create(): Promise<DlConversation> {
    const userId = this.userId;
    const generated = await this.fetchJson<{ token: string; conversationId?: string; expires_in?: number }>(
      this.opts.tokenUrl ?? `${this.opts.base}/tokens/generate`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: { id: userId } }) },
    );
    const locale = this.opts.locale?.();
    const conv = await this.fetchJson<DlConversation>(`${this.opts.base}/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${generated.token}`, ...(locale ? { 'Content-Type': 'application/json' } : {}) },
      ...(locale ? { body: JSON.stringify({ locale }) } : {}),
    });
    const token = conv.token ?? generated.token;
    this.opts.store.update({
      conversationId: conv.conversationId,
      token,
      userId: userOfToken(token) ?? userId,
      watermark: undefined,
      history: [],
    });
    this.scheduleRefresh(conv.expires_in ?? generated.expires_in);
    return conv;
  }

  /** `GET /conversations/:id?watermark=` — a new streamUrl that resumes after the watermark. */
  private async streamFor(): Promise<DlConversation> {
    const { watermark } = this.opts.store.get();
    const query = watermark ? `?watermark=${encodeURIComponent(watermark)}` : '';
    const res = await this.authed('GET', `/conversations/${this.conversationId()}${query}`);
    const conv = (await res.json()) as DlConversation;
    if (conv.token) this.opts.store.update({ token: conv.token });
    return conv;
  }

  private async refreshToken(): Promise<void> {
    const res = await this.request('POST', '/tokens/refresh');
    const body = (await res.json()) as { token: string; expires_in?: number };
    this.opts.store.update({ token: body.token });
    this.scheduleRefresh(body.expires_in);
  }

  private scheduleRefresh(expiresIn: number | undefined): void {
    clearTimeout(this.refreshTimer);
    if (!expiresIn || this.closed) return;
    // Halfway through the token's life, so a sleeping laptop still has margin when it wakes.
    this.refreshTimer = setTimeout(() => {
      this.refreshToken().catch(() => this.scheduleRefresh(60));
    }, (expiresIn * 1000) / 2);
  }

  private openStream(conv: DlConversation): void {
    if (!conv.streamUrl) throw new DirectLineError(0, 'conversation has no streamUrl');
    const ws = new WebSocket(toWebSocketUrl(conv.streamUrl, this.opts.base));
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.opts.onStatus('online');
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = () => {
      if (this.socket !== ws || this.closed) return;
      this.opts.onStatus('reconnecting');
      this.retryTimer = setTimeout(() => void this.reconnect(), this.nextBackoff());
    };
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string' || data.trim() === '') return; // heartbeat
    let frame: DlFrame;
    try {
      frame = JSON.parse(data) as DlFrame;
    } catch {
      return; // not ours to interpret; the next frame carries the watermark anyway
    }
    if (frame.activities?.length) this.opts.onActivities(frame.activities);
    if (frame.watermark !== undefined) this.opts.store.update({ watermark: frame.watermark });
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      this.openStream(await this.streamFor());
    } catch (err) {
      if (this.closed) return;
      if (err instanceof DirectLineError && err.rejected) {
        // The conversation is gone (token expired while offline): a fresh one beats a dead chat.
        this.opts.store.reset();
        this.started = this.connect();
        return;
      }
      this.opts.onStatus('offline');
      this.retryTimer = setTimeout(() => void this.reconnect(), this.nextBackoff());
    }
  }

  /** A token-authenticated call that refreshes the token once if the server says it expired. */
  private async authed(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.request(method, path, init);
    } catch (err) {
      if (!(err instanceof DirectLineError) || err.status !== 401) throw err;
      await this.refreshToken();
      return this.request(method, path, init);
    }
  }

  private async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.opts.store.get().token ?? ''}`);
    return this.fetchOk(`${this.opts.base}${path}`, { ...init, method, headers });
  }

  private async fetchJson<T>(url: string, init: RequestInit): Promise<T> {
    return (await (await this.fetchOk(url, init)).json()) as T;
  }

  private async fetchOk(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new DirectLineError(0, `network error: ${(err as Error).message}`);
    }
    if (!res.ok) throw new DirectLineError(res.status, `${init.method ?? 'GET'} ${url} → ${res.status}`);
    return res;
  }

  private conversationId(): string {
    const id = this.opts.store.get().conversationId;
    if (!id) throw new DirectLineError(0, 'no conversation');
    return encodeURIComponent(id);
  }

  private nextBackoff(): number {
    const ms = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt);
    this.attempt += 1;
    return ms * (0.75 + Math.random() / 2); // jitter: a server restart must not get every tab at once
  }
}

/**
 * The `user` claim of a JWT token. Servers that bind the token to a user (as Direct Line does
 * for anonymous pages) stamp that id on the echoes, so the widget must use it as its own.
 */
export function userOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/')) as string;
    const user = (JSON.parse(json) as { user?: unknown }).user;
    return typeof user === 'string' && user ? user : undefined;
  } catch {
    return undefined; // an opaque token: keep the id we generated
  }
}

/** Servers may return a relative or an http(s) streamUrl; the socket needs an absolute ws(s) one. */
export function toWebSocketUrl(streamUrl: string, base: string): string {
  const url = new URL(streamUrl, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
