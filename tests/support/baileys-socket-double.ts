import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  generateWAMessage,
  generateWAMessageFromContent,
  proto,
  type AnyMessageContent,
  type AuthenticationCreds,
  type BaileysEventEmitter,
  type BaileysEventMap,
  type Contact,
  type MessageUpsertType,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAPresence,
} from '@whiskeysockets/baileys';
import type { BaileysSocket, MakeBaileysSocket } from '../../channels/whatsapp-baileys/baileys-socket';

/**
 * A Baileys socket without WhatsApp: the surface the channel uses (BaileysSocket), with the real event
 * names and payload shapes, messages built by Baileys' own generators, and methods to play WhatsApp's
 * part (open, show a QR, close with a status code, deliver messages).
 */
export class BaileysSocketDouble implements BaileysSocket {
  readonly ev: BaileysEventEmitter = new DoubleEmitter();
  user: Contact | undefined;
  readonly authState: { creds: AuthenticationCreds };
  /** Every `sendMessage`, with the WAMessage it returned. */
  readonly sent: Array<{ jid: string; content: AnyMessageContent; message: WAMessage }> = [];
  readonly presences: Array<{ type: WAPresence; jid: string | undefined }> = [];
  readonly pairingRequests: string[] = [];
  ended = false;
  /** When set, the next `sendMessage` throws it (then it is cleared). */
  failNextSend: Error | undefined;

  constructor(readonly config: UserFacingSocketConfig) {
    this.authState = { creds: config.auth.creds };
    // Like Baileys' socket: its own listener, registered first, merges every update into the creds.
    this.ev.on('creds.update', (update) => Object.assign(this.authState.creds, update));
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    const failure = this.failNextSend;
    this.failNextSend = undefined;
    if (failure) throw failure;
    const userJid = this.user?.id ?? ME;
    // Media is not fetched nor uploaded (the double has no WhatsApp servers): the message names its URL.
    const message =
      'image' in content
        ? generateWAMessageFromContent(jid, proto.Message.fromObject({ imageMessage: { url: urlOf(content.image), mimetype: 'image/jpeg', caption: content.caption } }), { userJid })
        : 'document' in content
          ? generateWAMessageFromContent(jid, proto.Message.fromObject({ documentMessage: { url: urlOf(content.document), mimetype: content.mimetype, fileName: content.fileName } }), { userJid })
          : await generateWAMessage(jid, content, { userJid, upload: () => Promise.reject(new Error('the double uploads no media')) });
    this.sent.push({ jid, content, message });
    return message;
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presences.push({ type, jid });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    this.ev.emit('creds.update', { pairingCode: PAIRING_CODE });
    return PAIRING_CODE;
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  async updateMediaMessage(message: WAMessage): Promise<WAMessage> {
    return message;
  }

  // ---- WhatsApp's part ----

  /** The session opens (after pairing, or with stored creds). */
  open(me = ME): void {
    this.user = { id: me };
    this.ev.emit('creds.update', { registered: true, me: { id: me } });
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** WhatsApp offers a pairing QR (a new one every 20 s in reality). */
  showQr(qr = `2@${randomBytes(24).toString('base64')},${randomBytes(32).toString('base64')}`): void {
    this.ev.emit('connection.update', { connection: 'connecting', qr });
  }

  /** The connection closes with a Baileys status code (DisconnectReason). */
  close(statusCode: number, message = 'Connection Failure'): void {
    this.ended = true;
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: boom(message, statusCode), date: new Date() } });
  }

  /** Messages arrive (`notify`: new ones; `append`: history and our other devices). */
  receive(messages: WAMessage[], type: MessageUpsertType = 'notify'): void {
    this.ev.emit('messages.upsert', { messages, type });
  }

  /** The texts sent to `jid`, in order (image captions included). */
  textsTo(jid: string): string[] {
    return this.sent.filter((s) => s.jid === jid).map((s) => textOf(s.message));
  }
}

/** Our own account as WhatsApp names a linked device: phone JID with a device number. */
export const ME = '34900000000:7@s.whatsapp.net';
export const PAIRING_CODE = 'K7QW2M9X';

/** Every socket a factory opened, newest last; the channel opens a new one per reconnection. */
export function socketDoubles(): { make: MakeBaileysSocket; sockets: BaileysSocketDouble[]; latest(): BaileysSocketDouble } {
  const sockets: BaileysSocketDouble[] = [];
  return {
    make: (config) => {
      const socket = new BaileysSocketDouble(config);
      sockets.push(socket);
      return socket;
    },
    sockets,
    latest: () => {
      const last = sockets.at(-1);
      if (!last) throw new Error('no socket was opened yet');
      return last;
    },
  };
}

/** The text of a message Baileys generated: conversation, extended text or caption. */
export function textOf(m: WAMessage): string {
  return m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? m.message?.imageMessage?.caption ?? '';
}

/** An error shaped as Baileys closes with: a Boom carrying `output.statusCode`. */
export function boom(message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, error: message, message } } });
}

function urlOf(media: unknown): string {
  return typeof media === 'object' && media !== null && 'url' in media ? String((media as { url: unknown }).url) : '';
}

/** A node EventEmitter behind Baileys' typed emitter interface. */
class DoubleEmitter implements BaileysEventEmitter {
  private readonly inner = new EventEmitter();
  on<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.inner.on(event, listener);
  }
  off<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.inner.off(event, listener);
  }
  removeAllListeners<T extends keyof BaileysEventMap>(event: T): void {
    this.inner.removeAllListeners(event);
  }
  emit<T extends keyof BaileysEventMap>(event: T, arg: BaileysEventMap[T]): boolean {
    return this.inner.emit(event, arg);
  }
}

// ---- what citizens send, as Baileys hands it over ----

export interface FromOptions {
  id?: string;
  fromMe?: boolean;
  pushName?: string;
  /** Baileys 7's alternate address of the chat (the LID of a phone JID, or the reverse). */
  remoteJidAlt?: string;
}

/** A received message, built with protobuf's own `fromObject` so its shape is the real one. */
export function waMessage(remoteJid: string, message: proto.IMessage, opts: FromOptions = {}): WAMessage {
  const info = proto.WebMessageInfo.fromObject({
    key: { remoteJid, fromMe: opts.fromMe ?? false, id: opts.id ?? messageId() },
    message,
    messageTimestamp: Math.floor(Date.now() / 1_000),
    pushName: opts.pushName ?? 'Vecina',
  });
  // WAMessage is IWebMessageInfo with a required key (and Baileys 7's extra key fields); fromObject set the key.
  const msg = info as unknown as WAMessage;
  if (opts.remoteJidAlt) msg.key.remoteJidAlt = opts.remoteJidAlt;
  return msg;
}

export const messageId = (): string => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;

export const incoming = {
  text: (jid: string, text: string, opts?: FromOptions) => waMessage(jid, { conversation: text }, opts),
  extendedText: (jid: string, text: string, opts?: FromOptions) => waMessage(jid, { extendedTextMessage: { text } }, opts),
  location: (jid: string, latitude: number, longitude: number, name?: string, opts?: FromOptions) =>
    waMessage(jid, { locationMessage: { degreesLatitude: latitude, degreesLongitude: longitude, ...(name ? { name } : {}) } }, opts),
  sticker: (jid: string, opts?: FromOptions) =>
    waMessage(jid, { stickerMessage: { url: 'https://mmg.whatsapp.net/sticker', mimetype: 'image/webp', mediaKey: randomBytes(32) } }, opts),
  reaction: (jid: string, emoji: string, opts?: FromOptions) =>
    waMessage(jid, { reactionMessage: { key: { remoteJid: jid, fromMe: true, id: messageId() }, text: emoji } }, opts),
  buttonReply: (jid: string, displayText: string, opts?: FromOptions) =>
    waMessage(jid, { buttonsResponseMessage: { selectedButtonId: 'b1', selectedDisplayText: displayText } }, opts),
};
