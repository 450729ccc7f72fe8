import type { ChosenAvailability, ClientEvent, ServerEvent } from '../protocol';

export interface ConsoleSocketOptions {
  onEvent(event: ServerEvent): void;
  /** After every connection; `reconnected` means events may have been missed while down. */
  onConnected(reconnected: boolean): void;
  onStatus(online: boolean): void;
  /** A connection attempt failed before opening: maybe the session expired, worth a check. */
  onRefused(): void;
}

const PING_MS = 25_000;
const MAX_BACKOFF_MS = 30_000;
/** The server's close code when the session ended (console/console-socket.ts CLOSE.sessionEnded). */
const SESSION_ENDED = 4401;

/**
 * The console's WebSocket (`/console/ws`, same origin): pings every 25 s, reconnects with
 * jittered exponential backoff, and re-announces the open conversation after a reconnect.
 * A ping left without a pong by the next ping counts as a dead connection.
 */
export class ConsoleSocket {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private everConnected = false;
  private stopped = false;
  private awaitingPong = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private openHandoff: string | undefined;

  constructor(private readonly opts: ConsoleSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.close(1000);
    this.ws = undefined;
  }

  /** Says which conversation is on screen (closing the previous one), now and after reconnects. */
  open(handoffId: string): void {
    if (this.openHandoff && this.openHandoff !== handoffId) this.send({ type: 'close', handoffId: this.openHandoff });
    this.openHandoff = handoffId;
    this.send({ type: 'open', handoffId });
  }

  close(): void {
    if (this.openHandoff) this.send({ type: 'close', handoffId: this.openHandoff });
    this.openHandoff = undefined;
  }

  /** Away or available; the server answers every console of mine with an 'availability' event. */
  choose(availability: ChosenAvailability): void {
    this.send({ type: 'availability', availability });
  }

  private send(event: ClientEvent): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
  }

  private connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/console/ws`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.awaitingPong = false;
      this.pingTimer = setInterval(() => this.ping(), PING_MS);
      if (this.openHandoff) this.send({ type: 'open', handoffId: this.openHandoff });
      this.opts.onStatus(true);
      this.opts.onConnected(this.everConnected);
      this.everConnected = true;
    };
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws || this.stopped) return;
      this.opts.onStatus(false);
      // 4401: the server ended the session (logout elsewhere, password changed, disabled).
      if (!opened || e.code === SESSION_ENDED) this.opts.onRefused();
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    this.awaitingPong = false;
    let event: ServerEvent;
    try {
      event = JSON.parse(String(data)) as ServerEvent;
    } catch (err) {
      console.warn('console socket: a frame that is not JSON was ignored', err);
      return;
    }
    if (event.type !== 'pong') this.opts.onEvent(event);
  }

  private ping(): void {
    if (this.awaitingPong) {
      // Nothing at all since the last ping: the connection is dead even if the browser has not
      // noticed, and a close handshake over it could take minutes. Drop it and dial again.
      const dead = this.ws;
      this.ws = undefined;
      clearInterval(this.pingTimer);
      dead?.close();
      this.opts.onStatus(false);
      this.scheduleReconnect();
      return;
    }
    this.awaitingPong = true;
    this.send({ type: 'ping' });
  }

  private scheduleReconnect(): void {
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }
}
