import type { Activity, Attachment } from 'botbuilder';
import { placeEntity, personalConversation } from '../../bot/activity';
import type { TelegramUser } from './telegram-update';

/** The languages the bot speaks; Telegram's `language_code` ("es", "en-GB"…) is used only when it is one of them. */
const SPOKEN = new Set(['es', 'ca', 'en']);

/** Where a message came from: its chat and sender, and the platform id used for dedupe. */
export interface Origin {
  /** `${chat.id}:${message_id}` for a message, `cb:${callback_query.id}` for a button press. */
  id: string;
  chatId: number;
  from: TelegramUser | undefined;
}

/** The citizen's language as the channel reports it, when the bot speaks it. */
export function localeOf(from: TelegramUser | undefined): string | undefined {
  const code = from?.language_code?.toLowerCase();
  return code && SPOKEN.has(code.split('-')[0]!) ? code : undefined;
}

function base(origin: Origin): Partial<Activity> {
  const locale = localeOf(origin.from);
  return {
    id: origin.id,
    channelId: 'telegram',
    conversation: personalConversation(String(origin.chatId)),
    from: { id: String(origin.from?.id ?? origin.chatId), role: 'user', name: origin.from?.first_name ?? '' },
    recipient: { id: 'bot', role: 'bot', name: '' },
    timestamp: new Date(),
    ...(locale ? { locale } : {}),
  };
}

/** A message the citizen sent: text, and optionally a shared place and attachments. */
export function messageActivity(
  origin: Origin,
  content: { text?: string; place?: { latitude: number; longitude: number; name?: string }; attachments?: Attachment[] },
): Partial<Activity> {
  const { place, attachments } = content;
  return {
    ...base(origin),
    type: 'message',
    text: content.text ?? '',
    ...(place ? { entities: [placeEntity(place, place.name)] } : {}),
    ...(attachments?.length ? { attachments } : {}),
  };
}

/**
 * `/start`: the citizen opened the chat. Ingested as the conversationUpdate the web chat sends when
 * a conversation starts, so the dialogs greet with the menu the same way on every channel.
 */
export function startActivity(origin: Origin): Partial<Activity> {
  const activity = base(origin);
  return { ...activity, type: 'conversationUpdate', membersAdded: [activity.from!] };
}
