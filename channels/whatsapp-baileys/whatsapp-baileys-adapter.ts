import makeWASocket, { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { ChannelAdapter, ChannelCapabilities, ChannelHealth, ConversationRef, Ingest, SendProgress } from '../../bot/channel';
import { ChannelUnavailableError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { MediaStore } from '../../bot/media-store';
import { NumberedChoices } from '../render';
import type { BaileysLogger, BaileysSocket, MakeBaileysSocket } from './baileys-socket';
import { BaileysConnection } from './connection';
import { InboundHandler } from './inbound';
import { printQrToTerminal } from './print-qr';
import type { BackoffOptions } from './reconnect-backoff';
import { loadRedisAuthState } from './redis-auth-state';
import { Sender } from './sender';
import { SentMessageStore } from './sent-message-store';
import { InFlight } from '../../bot/in-flight';

/** Options of the WhatsApp channel through Baileys (WhatsApp Web's multi-device protocol). */
export interface WhatsAppBaileysOptions {
  /** Command connection for the session, sent messages and numbered options; the channel never closes it. */
  redis: Redis;
  /** REDIS_PREFIX; keys live under `<prefix>:wa:…`. */
  prefix: string;
  /** Where photos and voice notes citizens send are kept. */
  media: MediaStore;
  log: Logger;
  /** Digits with country code (WHATSAPP_BAILEYS_PAIRING_NUMBER): pair by code instead of QR. */
  pairingNumber?: string;
  /** @defaultValue Baileys' `makeWASocket`; tests pass a socket double. */
  makeSocket?: MakeBaileysSocket;
  /** @defaultValue draws the QR on stderr with qrcode-terminal */
  printQr?: (qr: string) => void;
  /** @defaultValue Baileys' `downloadMediaMessage`, asking the phone to re-upload expired media */
  downloadMedia?: (msg: WAMessage, socket: BaileysSocket) => Promise<Buffer>;
  /** Reconnection delays. @defaultValue 1 s doubling up to 60 s, jittered */
  backoff?: BackoffOptions;
  /** Baileys' own log level: it logs JIDs and payloads below `error`. @defaultValue 'error' */
  baileysLogLevel?: string;
}

const CAPABILITIES: ChannelCapabilities = Object.freeze({
  // Baileys can send buttons and lists, but WhatsApp no longer shows them to linked devices of ordinary accounts.
  maxButtons: 0,
  maxListRows: 0,
  choices: 'numbered',
  maxButtonTitle: 200,
  markup: 'whatsapp',
  maxTextLength: 4_096,
  typing: true,
  images: true,
  files: true,
  location: true,
});

/**
 * WhatsApp through Baileys: one linked device of the council's WhatsApp number, held by this process.
 * `send` needs the open socket, so replies must be delivered by the process that runs the channel.
 */
export class WhatsAppBaileysAdapter implements ChannelAdapter {
  readonly id = 'whatsapp' as const;
  readonly capabilities = CAPABILITIES;
  /** The socket lives in this process only. */
  readonly sendsFromReceiverOnly = true;
  /** No published limit: a pace like a busy person's, since bursts get numbers banned. */
  readonly rateLimit = { perSecond: 10, perChatGapMs: 500 };
  private ingest: Ingest | undefined;
  private connection: BaileysConnection | undefined;
  private readonly inbound: InboundHandler;
  private readonly sender: Sender;
  private readonly sentMessages: SentMessageStore;
  private readonly inFlight = new InFlight();
  private readonly baileysLog: BaileysLogger;

  constructor(private readonly opts: WhatsAppBaileysOptions) {
    const { redis, prefix } = opts;
    this.baileysLog = opts.log.child({ module: 'channels/whatsapp-baileys/socket' }, { level: opts.baileysLogLevel ?? 'error' });
    const numbered = new NumberedChoices(redis, { prefix });
    this.sentMessages = new SentMessageStore(redis, `${prefix}:wa:msg`);
    const socket = (): BaileysSocket => this.openSocket();
    this.sender = new Sender({ capabilities: CAPABILITIES, socket, numbered, sentMessages: this.sentMessages, log: opts.log, media: opts.media });
    this.inbound = new InboundHandler({
      ingest: () => this.ingest,
      media: opts.media,
      numbered,
      download: opts.downloadMedia ?? ((msg, sock) => this.download(msg, sock)),
      log: opts.log,
    });
  }

  /** Loads the session from Redis and connects; pairing (QR or code) starts here when there is none. */
  async start(ingest: Ingest): Promise<void> {
    if (this.connection) return;
    this.ingest = ingest;
    const auth = await loadRedisAuthState(this.opts.redis, `${this.opts.prefix}:wa:auth`);
    this.connection = new BaileysConnection({
      makeSocket: this.opts.makeSocket ?? makeWASocket,
      auth,
      getMessage: (key) => this.sentMessages.get(key),
      onMessages: (upsert, socket) => this.inbound.onUpsert(upsert, socket),
      ...(this.opts.pairingNumber ? { pairingNumber: this.opts.pairingNumber } : {}),
      printQr: this.opts.printQr ?? ((qr) => printQrToTerminal(qr)),
      ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}),
      log: this.opts.log,
      baileysLog: this.baileysLog,
    });
    this.connection.start();
  }

  async send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    await this.inFlight.track(this.sender.send(ref, activities, progress));
  }

  /** Stops ingesting, lets accepted messages and sends in flight finish, then closes the socket. */
  async stop(): Promise<void> {
    this.ingest = undefined;
    await this.inbound.idle();
    await this.inFlight.settled();
    await this.connection?.stop();
  }

  /** Not ok once the session was logged out (or replaced, or refused), while it awaits pairing, or after a long disconnection. */
  health(): ChannelHealth {
    return this.connection?.health() ?? { ok: false, detail: 'WhatsApp (Baileys) channel not started' };
  }

  private openSocket(): BaileysSocket {
    if (!this.connection) throw new ChannelUnavailableError('WhatsApp (Baileys) channel not started');
    return this.connection.openSocket();
  }

  private async download(msg: WAMessage, socket: BaileysSocket): Promise<Buffer> {
    return downloadMediaMessage(msg, 'buffer', {}, { logger: this.baileysLog, reuploadRequest: (m) => socket.updateMediaMessage(m) });
  }
}
