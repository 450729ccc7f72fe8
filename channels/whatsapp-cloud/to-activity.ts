import type { Activity, Attachment } from 'botbuilder';
import { placeEntity, personalConversation } from '../../bot/activity';
import type { InboundMessage } from './webhook-payload';

export const CHANNEL_ID = 'whatsapp-cloud' as const;

/** A file of the message that must be downloaded from the Graph API before the message is ingested. */
export interface MediaRef {
  id: string;
  /** What WhatsApp says it is; MediaStore checks the bytes anyway. */
  mimeType?: string;
}

/** Image and audio (voice notes) are fetched and kept; other media types are answered as unsupported. */
export function mediaOf(message: InboundMessage): MediaRef | undefined {
  const media = message.type === 'image' ? message.image : message.type === 'audio' ? message.audio : undefined;
  return media ? { id: media.id, ...(media.mime_type ? { mimeType: media.mime_type } : {}) } : undefined;
}

/**
 * What the citizen "said" in words. A reply button or list row answers with the option's value (its
 * id), which is what the dialog's choice recognizer matches, whatever the shortened title shows.
 */
function textOf(message: InboundMessage): string | undefined {
  switch (message.type) {
    case 'text':
      return message.text?.body;
    case 'interactive':
      return message.interactive?.button_reply?.id ?? message.interactive?.list_reply?.id;
    case 'button':
      return message.button?.payload || message.button?.text;
    case 'image':
      return message.image?.caption;
    default:
      return undefined;
  }
}

/**
 * One WhatsApp Cloud message as the Activity every channel produces (see bot/activity.ts). Pure: the
 * media, already downloaded and stored, come in as `attachments`. A message type we do not read
 * (sticker, contacts, reaction, video, document…) becomes a message with no text, location or photo,
 * which the dialog engine answers with its polite "I can only read…" without moving the conversation.
 * No locale: WhatsApp does not say the citizen's language, so the engine detects it.
 */
export function toActivity(message: InboundMessage, opts: { displayName?: string; attachments?: Attachment[]; botId: string }): Partial<Activity> {
  const text = textOf(message)?.trim();
  const loc = message.type === 'location' ? message.location : undefined;
  const sentAt = Number(message.timestamp);
  const from = { id: message.from, role: 'user', name: opts.displayName ?? '' };
  return {
    // A citizen opening the chat for the first time (`request_welcome`) is a conversation start: the bot greets.
    ...(message.type === 'request_welcome' ? { type: 'conversationUpdate', membersAdded: [from] } : { type: 'message' }),
    id: message.id,
    channelId: CHANNEL_ID,
    conversation: personalConversation(message.from),
    from,
    recipient: { id: opts.botId, role: 'bot', name: '' },
    timestamp: Number.isFinite(sentAt) && sentAt > 0 ? new Date(sentAt * 1_000) : new Date(),
    ...(text ? { text } : {}),
    ...(loc ? { entities: [placeEntity({ latitude: loc.latitude, longitude: loc.longitude }, loc.name ?? loc.address)] } : {}),
    ...(opts.attachments?.length ? { attachments: opts.attachments } : {}),
    channelData: { whatsappType: message.type },
  };
}
