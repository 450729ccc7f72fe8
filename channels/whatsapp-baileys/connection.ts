import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  makeCacheableSignalKeyStore,
  type BaileysEventMap,
  type ConnectionState,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WAMessageKey,
  type proto,
} from '@whiskeysockets/baileys';
import type { ChannelHealth } from '../../bot/channel';
import { ChannelUnavailableError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { BaileysLogger, BaileysSocket, MakeBaileysSocket } from './baileys-socket';
import { disconnectAction, statusCodeOf } from './disconnect-policy';
import { reconnectDelay, type BackoffOptions } from './reconnect-backoff';
import type { RedisAuthState } from './redis-auth-state';

export interface BaileysConnectionOptions {
  makeSocket: MakeBaileysSocket;
  auth: RedisAuthState;
  /** Baileys' `getMessage`: the content of a message we sent, for retries. */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  /** Called with each `messages.upsert` and the socket it came from (media downloads need it). */
  onMessages: (upsert: BaileysEventMap['messages.upsert'], socket: BaileysSocket) => void;
  /** Digits only, with country code: pair by code instead of QR. */
  pairingNumber?: string;
  printQr: (qr: string) => void;
  backoff?: BackoffOptions;
  /** Health turns not-ok after the connection has been down this long. @defaultValue 120 000 ms */
  unhealthyAfterMs?: number;
  /** The channel's own log (connection events, alerts). */
  log: Logger;
  /** Handed to Baileys; keep it quiet: Baileys logs JIDs and payloads at debug and trace. */
  baileysLog: BaileysLogger;
}

type Status = 'connecting' | 'open' | 'waiting' | 'stopped' | 'failed';

const NOT_PAIRED = 'WhatsApp not paired yet: scan the QR code printed in the terminal, or enter the pairing code from the log';

/**
 * One WhatsApp session's socket and its lifecycle: pairing (QR or code), reconnection with backoff on
 * retryable closes, an immediate restart when WhatsApp asks (515), and a stop with an error-level alert
 * when reconnecting cannot help (see disconnect-policy.ts), which also makes `health()` fail.
 */
export class BaileysConnection {
  private socket: BaileysSocket | undefined;
  private status: Status = 'connecting';
  private failure: string | undefined;
  // A QR or pairing code was offered and no session opened since: a person has to act.
  private awaitingPairing = false;
  private attempt = 0;
  private downSince: number = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly keys: SignalKeyStore;

  constructor(private readonly opts: BaileysConnectionOptions) {
    // An in-memory cache in front of Redis: Baileys reads the same session keys for every message.
    this.keys = makeCacheableSignalKeyStore(opts.auth.state.keys, opts.baileysLog);
  }

  /** Opens the first socket; later ones open by themselves until `stop`. */
  start(): void {
    this.connect();
  }

  /** The socket when it is open; otherwise throws ChannelUnavailableError (retryable, see README). */
  openSocket(): BaileysSocket {
    if (this.status === 'open' && this.socket) return this.socket;
    throw new ChannelUnavailableError(this.failure ?? `WhatsApp (Baileys) is not connected (${this.status})`);
  }

  health(): ChannelHealth {
    if (this.failure) return { ok: false, detail: this.failure };
    if (this.awaitingPairing) return { ok: false, detail: NOT_PAIRED };
    const downMs = this.status === 'open' ? 0 : Date.now() - this.downSince;
    if (downMs > (this.opts.unhealthyAfterMs ?? 120_000)) return { ok: false, detail: `WhatsApp disconnected for ${Math.round(downMs / 1_000)} s: reconnecting` };
    return { ok: true };
  }

  /** Closes the socket and cancels any pending reconnection. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    await socket?.end(undefined).catch((err: unknown) => this.opts.log.debug({ err }, 'closing the WhatsApp socket failed'));
  }

  private connect(): void {
    if (this.status === 'stopped' || this.status === 'failed') return;
    this.status = 'connecting';
    let socket: BaileysSocket;
    try {
      socket = this.opts.makeSocket(this.socketConfig());
    } catch (err) {
      this.opts.log.error({ err }, 'opening the WhatsApp socket failed');
      this.scheduleReconnect(undefined);
      return;
    }
    this.socket = socket;
    let pairingRequested = false;
    // Events of a socket that was replaced are ignored: its late "close" must not start a second loop.
    const current = (): boolean => this.socket === socket;
    socket.ev.on('creds.update', () => void this.saveCreds());
    socket.ev.on('messages.upsert', (upsert) => {
      if (current()) this.opts.onMessages(upsert, socket);
    });
    socket.ev.on('connection.update', (update) => {
      if (!current()) return;
      if (update.qr) pairingRequested = this.onQr(update.qr, socket, pairingRequested);
      this.onConnection(update);
    });
  }

  private socketConfig(): UserFacingSocketConfig {
    return {
      auth: { creds: this.opts.auth.state.creds, keys: this.keys },
      logger: this.opts.baileysLog,
      getMessage: this.opts.getMessage,
      // Staff keep getting notifications on the council's phone while the bot is connected.
      markOnlineOnConnect: false,
      // The bot answers what citizens send from now on. Baileys' default history sync (all but FULL) stays:
      // refusing it all would lose the initial LID mappings, which Baileys warns makes sessions unstable.
      syncFullHistory: false,
      // Not even decrypted (Baileys still acknowledges them): the bot never answers groups, statuses or channels.
      shouldIgnoreJid: (jid) => Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)),
    };
  }

  private onConnection(update: Partial<ConnectionState>): void {
    if (update.connection === 'open') {
      this.status = 'open';
      this.awaitingPairing = false;
      this.attempt = 0;
      this.opts.log.info('WhatsApp (Baileys) connected');
    } else if (update.connection === 'close') {
      this.socket = undefined;
      if (this.status === 'stopped') return;
      if (this.status === 'open') this.downSince = Date.now();
      this.onClose(update.lastDisconnect?.error);
    }
  }

  /** Shows the QR, or asks once per socket for a pairing code. Returns whether a code was requested. */
  private onQr(qr: string, socket: BaileysSocket, pairingRequested: boolean): boolean {
    this.awaitingPairing = true;
    const number = this.opts.pairingNumber;
    if (!number) {
      this.opts.printQr(qr);
      this.opts.log.warn(`${NOT_PAIRED} (a new QR code replaces it every 20 s)`);
      return false;
    }
    if (pairingRequested || socket.authState.creds.registered) return pairingRequested;
    // Asked on the first QR: only then is the socket ready for the pairing request.
    socket.requestPairingCode(number).then(
      // The one log line allowed to show the code (it is useless without the phone); never the number.
      (pairingCode) => this.opts.log.warn({ pairingCode }, 'WhatsApp pairing code: on the phone open Linked devices → Link with phone number, and enter it'),
      (err: unknown) => this.opts.log.error({ err }, 'requesting a WhatsApp pairing code failed'),
    );
    return true;
  }

  private onClose(error: unknown): void {
    const statusCode = statusCodeOf(error);
    const action = disconnectAction(statusCode);
    if (action.kind === 'restart') {
      this.opts.log.info({ statusCode }, 'WhatsApp asked for a restart: reconnecting now');
      this.attempt = 0;
      this.connect();
    } else if (action.kind === 'backoff') {
      this.scheduleReconnect(statusCode);
    } else {
      this.status = 'failed';
      this.failure = action.detail;
      this.opts.log.error({ statusCode, alert: 'whatsapp-baileys-stopped' }, action.detail);
      if (action.forget) void this.opts.auth.clear().catch((err: unknown) => this.opts.log.error({ err }, 'deleting the logged-out WhatsApp session failed'));
    }
  }

  private scheduleReconnect(statusCode: number | undefined): void {
    const delayMs = reconnectDelay(this.attempt++, this.opts.backoff);
    this.status = 'waiting';
    this.opts.log.warn({ statusCode, attempt: this.attempt, delayMs }, 'WhatsApp connection closed: reconnecting');
    this.timer = setTimeout(() => this.connect(), delayMs);
  }

  private async saveCreds(): Promise<void> {
    try {
      await this.opts.auth.saveCreds();
    } catch (err) {
      // Lost creds mean pairing again after a restart: loud, but the live socket keeps working.
      this.opts.log.error({ err }, 'saving WhatsApp credentials to Redis failed');
    }
  }
}
