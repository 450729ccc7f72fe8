import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { refuseUpgrade, upgradeUrl } from '../../bot/upgrades';
import { countWebSocket, type WebSocketMetrics } from '../../bot/websocket-metrics';
import { assertMayUse, authenticate } from './auth';
import { isConversationId, isWatermark, type ConversationStore, type StreamNotice } from './conversation-store';
import { DirectLineHttpError, toDirectLineError } from './http-error';
import type { Follower, StreamHub } from './stream-hub';
import type { TokenService } from './tokens';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/;
/** Every upgrade under this prefix is answered here: a stream, or 404. */
export const DIRECTLINE_UPGRADE_PREFIX = '/v3/directline/';
/** Ping interval; a socket that missed one pong is dropped at the next tick. Below common proxy idle timeouts (60 s). */
export const HEARTBEAT_MS = 30_000;
/** Most activities per frame (a long backlog goes out in several frames). */
const FRAME_SIZE = 100;

/**
 * One open stream socket: it sends `{ activities, watermark }` frames from its own watermark on,
 * one read at a time. Wakes arriving mid-read set `again`, so nothing written meanwhile is missed.
 */
class StreamSession implements Follower {
  alive = true;
  private pumping = false;
  private again = false;

  constructor(
    readonly conversationId: string,
    readonly ws: WebSocket,
    private watermark: string | undefined,
    private readonly store: ConversationStore,
    private readonly log: Logger,
  ) {}

  wake(notice?: StreamNotice): void {
    // The common case: this socket is up to date and the notice holds exactly what follows.
    if (notice && !this.pumping && (this.watermark ?? '') === notice.previous && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(`{"activities":[${notice.json.join(',')}],"watermark":${JSON.stringify(notice.last)}}`);
      this.watermark = notice.last;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        if (this.ws.readyState !== WebSocket.OPEN) return;
        const page = await this.store.read(this.conversationId, this.watermark, FRAME_SIZE);
        if (page.activities.length === 0 || this.ws.readyState !== WebSocket.OPEN) continue;
        this.ws.send(JSON.stringify(page));
        this.watermark = page.watermark;
        if (page.activities.length === FRAME_SIZE) this.again = true;
      } while (this.again);
    } catch (err) {
      // The client reconnects with its last watermark and loses nothing; closing beats a silently stalled stream.
      this.log.error({ err, conversationId: this.conversationId }, 'webchat stream read failed');
      this.ws.close(1011, 'stream read failed');
    } finally {
      this.pumping = false;
    }
  }
}

export interface DirectLineSocketDeps {
  tokens: TokenService;
  store: ConversationStore;
  hub: StreamHub;
  /** WEBCHAT_ORIGINS; `*` allows any page. */
  origins: readonly string[];
  log: Logger;
  /** Counts open streams and their frames. */
  metrics?: WebSocketMetrics;
}

/**
 * The WebSocket side of Direct Line: `…/conversations/:id/stream?t=<token>&watermark=<w>`.
 * On connect it sends the backlog after the watermark, then follows the conversation through the hub.
 * Client-to-server frames are ignored (directlinejs sends empty strings as keep-alives).
 */
export class DirectLineSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  private readonly sessions = new Set<StreamSession>();
  private readonly servers = new Set<Server>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: DirectLineSocketDeps) {}

  /** Handles upgrades on the stream path of `server`; other upgrade paths are left to other listeners. */
  attach(server: Server): void {
    if (this.closed) throw new Error('webchat socket server is closed');
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', this.onUpgrade);
    this.heartbeat ??= setInterval(() => this.beat(), HEARTBEAT_MS).unref();
  }

  /** Open stream sockets in this process. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Says goodbye (1001, clients reconnect elsewhere), then drops whatever has not closed within a second. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const server of this.servers) server.off('upgrade', this.onUpgrade);
    this.servers.clear();
    const open = [...this.sessions];
    await Promise.race([
      Promise.all(open.map((s) => new Promise<void>((resolve) => {
        s.ws.once('close', () => resolve());
        s.ws.close(1001, 'server shutting down');
      }))),
      new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
    for (const s of open) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = upgradeUrl(req);
    if (!url) return; // not a path: the app's last listener answers 404
    const match = STREAM_PATH.exec(url.pathname);
    socket.on('error', (err) => this.deps.log.debug({ err }, 'webchat upgrade socket error'));
    if (!match) {
      // Other paths may be another listener's (the console's); ours, unanswered, would hang until the client gave up.
      if (url.pathname.startsWith(DIRECTLINE_UPGRADE_PREFIX)) refuse(socket, 404, 'NotFound', 'not a Direct Line stream');
      return;
    }
    this.accept(req, socket, head, match[1] ?? '', url).catch((err: unknown) => {
      const mapped = toDirectLineError(err);
      if (mapped.status >= 500) this.deps.log.error({ err }, 'webchat stream upgrade failed');
      refuse(socket, mapped.status, mapped.code, mapped.message);
    });
  };

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, conversationId: string, url: URL): Promise<void> {
    const { tokens, store, hub, origins, log } = this.deps;
    const origin = req.headers.origin;
    // Browsers always send Origin; a client without one is not a page that could be hijacked cross-site.
    if (origin !== undefined && !origins.includes('*') && !origins.includes(origin)) {
      throw new DirectLineHttpError(403, 'Forbidden', 'origin not allowed');
    }
    const principal = await authenticate(tokens, url.searchParams.get('t') ?? req.headers.authorization);
    if (!isConversationId(conversationId)) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    assertMayUse(principal, conversationId);
    const watermark = url.searchParams.get('watermark') || undefined;
    if (watermark !== undefined && !isWatermark(watermark)) throw new DirectLineHttpError(400, 'BadArgument', 'invalid watermark');
    if (!(await store.get(conversationId))) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    if (this.closed || socket.destroyed) {
      socket.destroy();
      return;
    }

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      countWebSocket(ws, 'directline', this.deps.metrics);
      const session = new StreamSession(conversationId, ws, watermark, store, log);
      this.sessions.add(session);
      ws.on('pong', () => {
        session.alive = true;
      });
      ws.on('error', (err) => log.debug({ err, conversationId }, 'webchat stream socket error'));
      ws.on('close', () => {
        this.sessions.delete(session);
        hub.leave(session);
      });
      hub.join(session).then(
        () => session.wake(), // the backlog after the watermark, and anything written while subscribing
        (err: unknown) => {
          log.error({ err, conversationId }, 'webchat stream subscribe failed');
          ws.close(1011, 'subscribe failed');
        },
      );
    });
  }

  private beat(): void {
    for (const s of this.sessions) {
      if (!s.alive) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      s.ws.ping();
    }
  }
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  refuseUpgrade(socket, status, { error: { code, message } });
}
