import {
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  normalizeMessageContent,
  toNumber,
  type proto,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import type { Activity } from 'botbuilder';
import { placeEntity, personalConversation } from '../../bot/activity';

/** A media part to download before ingest (photos and voice notes; a document only when it is an image). */
export interface InboundMedia {
  kind: 'image' | 'audio';
  /** The sender's claim; the media store sniffs the real type. */
  mimetype?: string;
  /** Declared size in bytes, to refuse a huge file before downloading it. */
  bytes?: number;
}

/**
 * What one WhatsApp message is to this bot:
 * - `ignore`: not something a citizen said to us (our own echo, a status, a group, a receipt-like protocol message);
 * - `unsupported`: a citizen sent something we cannot read (sticker, video, contact, poll, reaction…):
 *   an Activity with nothing readable in it, which the dialog engine answers with "I can only read…";
 * - `message`: an Activity for the inbound queue, maybe with media still to fetch.
 */
export type InboundMessage =
  | { kind: 'ignore'; reason: IgnoreReason }
  | { kind: 'unsupported'; activity: Partial<Activity>; contentType: string }
  | { kind: 'message'; activity: Partial<Activity>; media?: InboundMedia };

export type IgnoreReason = 'from-me' | 'status' | 'group' | 'broadcast' | 'not-a-person' | 'no-content' | 'housekeeping';

// Message kinds that are bookkeeping between devices, never something to answer.
const HOUSEKEEPING = new Set<string>([
  'protocolMessage', 'pollUpdateMessage', 'keepInChatMessage', 'pinInChatMessage', 'encReactionMessage',
  'encEventResponseMessage', 'messageHistoryBundle', 'messageHistoryNotice', 'deviceSentMessage',
]);

/**
 * Normalizes one received WhatsApp message. Pure: no I/O, so it is tested with recorded payloads.
 *
 * Groups are ignored on purpose: a citizen-attention line is one citizen to one council. In a group the
 * bot would file tickets from anyone's chatter and post replies (ticket references, requests for contact
 * details) to every member, and the dialogs keep one citizen per conversation.
 *
 * The chat id is the citizen's LID (`…@lid`) whenever WhatsApp tells it, else the phone JID: Baileys 7
 * addresses a chat by either, and preferring one keeps `conversation.id` stable across both.
 */
export function toInbound(msg: WAMessage): InboundMessage {
  const ignored = ignoreReason(msg.key);
  if (ignored) return { kind: 'ignore', reason: ignored };
  const chatId = chatIdOf(msg.key);
  const id = msg.key.id;
  if (!chatId) return { kind: 'ignore', reason: 'not-a-person' };
  const content = normalizeMessageContent(msg.message);
  const type = getContentType(content ?? undefined);
  if (!content || !type || !id) return { kind: 'ignore', reason: 'no-content' };
  if (HOUSEKEEPING.has(type) || (type === 'reactionMessage' && !content.reactionMessage?.text)) return { kind: 'ignore', reason: 'housekeeping' };
  const activity: Partial<Activity> = {
    type: 'message',
    id,
    channelId: 'whatsapp',
    conversation: personalConversation(chatId),
    from: { id: chatId, name: stringOr(msg.pushName, '') },
    timestamp: dateOf(msg.messageTimestamp),
  };
  const parts = partsOf(content, type);
  if (!parts) return { kind: 'unsupported', activity, contentType: type };
  Object.assign(activity, {
    ...(parts.text ? { text: parts.text } : {}),
    ...(parts.entities ? { entities: parts.entities } : {}),
  });
  return { kind: 'message', activity, ...(parts.media ? { media: parts.media } : {}) };
}

/*
 * Protobuf decoding gives every field its declared type, but this is the edge where a Baileys change or a
 * malformed message would first show: a wrong type here becomes a text that is an object, or an Invalid Date
 * whose toISOString throws in the middle of a turn. So fields are read by type (tests/fuzz/baileys.test.ts).
 */
const stringOr = <T>(v: unknown, fallback: T): string | T => (typeof v === 'string' ? v : fallback);

/** The message's send time; now when it has none or one no Date can hold. */
function dateOf(timestamp: WAMessage['messageTimestamp']): Date {
  const seconds = Number(toNumber(timestamp));
  const date = new Date(seconds * 1_000);
  return seconds > 0 && Number.isFinite(date.getTime()) ? date : new Date();
}

function ignoreReason(key: WAMessageKey): IgnoreReason | undefined {
  const jid = key.remoteJid ?? '';
  if (key.fromMe) return 'from-me';
  if (isJidStatusBroadcast(jid)) return 'status';
  if (isJidGroup(jid)) return 'group';
  if (isJidBroadcast(jid) || isJidNewsletter(jid)) return 'broadcast';
  return undefined;
}

function chatIdOf(key: WAMessageKey): string | undefined {
  if (isLidUser(key.remoteJid ?? undefined)) return jidNormalizedUser(key.remoteJid ?? undefined);
  if (isLidUser(key.remoteJidAlt)) return jidNormalizedUser(key.remoteJidAlt);
  if (isPnUser(key.remoteJid ?? undefined)) return jidNormalizedUser(key.remoteJid ?? undefined);
  return undefined;
}

interface Parts {
  text?: string;
  entities?: NonNullable<Activity['entities']>;
  media?: InboundMedia;
}

/** The readable parts of a message, or undefined when this bot cannot read its kind. */
function partsOf(m: proto.IMessage, type: string): Parts | undefined {
  switch (type) {
    case 'conversation':
      return { text: stringOr(m.conversation, '') };
    case 'extendedTextMessage':
      return { text: stringOr(m.extendedTextMessage?.text, '') };
    case 'buttonsResponseMessage':
      return { text: stringOr(m.buttonsResponseMessage?.selectedDisplayText, stringOr(m.buttonsResponseMessage?.selectedButtonId, '')) };
    case 'templateButtonReplyMessage':
      return { text: stringOr(m.templateButtonReplyMessage?.selectedDisplayText, stringOr(m.templateButtonReplyMessage?.selectedId, '')) };
    case 'listResponseMessage':
      return { text: stringOr(m.listResponseMessage?.title, stringOr(m.listResponseMessage?.singleSelectReply?.selectedRowId, '')) };
    case 'interactiveResponseMessage':
      return { text: stringOr(m.interactiveResponseMessage?.body?.text, '') };
    case 'locationMessage':
    case 'liveLocationMessage':
      return locationParts(m);
    case 'imageMessage':
      return { text: stringOr(m.imageMessage?.caption, ''), media: media('image', m.imageMessage) };
    case 'audioMessage':
      return { media: media('audio', m.audioMessage) };
    case 'documentMessage':
      // Citizens often send a photo "as a file" to keep its quality; any other document we cannot read.
      return stringOr(m.documentMessage?.mimetype, '').startsWith('image/') ? { text: stringOr(m.documentMessage?.caption, ''), media: media('image', m.documentMessage) } : undefined;
    default:
      return undefined;
  }
}

function locationParts(m: proto.IMessage): Parts | undefined {
  const loc = m.locationMessage ?? m.liveLocationMessage;
  const latitude = loc?.degreesLatitude;
  const longitude = loc?.degreesLongitude;
  if (!isCoordinate(latitude, 90) || !isCoordinate(longitude, 180)) return undefined;
  const label = stringOr(m.locationMessage?.name, stringOr(m.locationMessage?.address, undefined));
  return { entities: [placeEntity({ latitude, longitude }, label)] };
}

const isCoordinate = (v: unknown, limit: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit;

function media(kind: InboundMedia['kind'], m: { mimetype?: string | null; fileLength?: number | Long | null } | null | undefined): InboundMedia {
  const length = m?.fileLength;
  const bytes = typeof length === 'number' || (typeof length === 'object' && length !== null) ? toNumber(length) : undefined;
  const mimetype = stringOr(m?.mimetype, '');
  return { kind, ...(mimetype ? { mimetype } : {}), ...(bytes !== undefined && Number.isFinite(bytes) && bytes > 0 ? { bytes } : {}) };
}

type Long = Parameters<typeof toNumber>[0] & object;
