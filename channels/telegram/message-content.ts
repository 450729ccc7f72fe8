import type { TelegramFileRef, TelegramMessage } from './telegram-update';

/** What a citizen's Telegram message carries, as far as the bot is concerned. */
export type MessageContent =
  | { kind: 'start' }
  | { kind: 'text'; text: string }
  | { kind: 'location'; point: { latitude: number; longitude: number }; name?: string; text?: string }
  | { kind: 'media'; file: TelegramFileRef; filename: string; imagesOnly: boolean; text?: string }
  | { kind: 'unsupported' }
  | { kind: 'ignored' };

// Things a citizen can send that the bot cannot read; they get a polite "text, locations and photos only".
const UNSUPPORTED_KEYS = ['sticker', 'poll', 'contact', 'dice', 'video', 'video_note', 'animation', 'document', 'game', 'story', 'paid_media', 'invoice'];

/**
 * Classifies a message. Pure: no I/O. `/start` is a conversation start, `/help@OurBot` is "/help";
 * a photo is its largest size; an image sent "as a file" counts as a photo. Service messages
 * (pins, timers…) are `ignored`: nobody said anything.
 */
export function contentOf(msg: TelegramMessage): MessageContent {
  const caption = msg.caption?.trim() || undefined;
  if (msg.location || msg.venue) {
    const point = msg.venue?.location ?? msg.location!;
    return {
      kind: 'location',
      point: { latitude: point.latitude, longitude: point.longitude },
      ...(msg.venue ? { name: msg.venue.title, text: [msg.venue.title, msg.venue.address].filter(Boolean).join(', ') } : {}),
    };
  }
  const photo = largest(msg.photo);
  if (photo) return media(photo, `photo-${msg.message_id}`, true, caption);
  if (msg.document?.mime_type?.startsWith('image/')) return media(msg.document, msg.document.file_name ?? `image-${msg.message_id}`, true, caption);
  const audio = msg.voice ?? msg.audio;
  if (audio) return media(audio, `audio-${msg.message_id}`, false, caption);
  const text = msg.text?.trim();
  if (text) return commandOrText(msg, text);
  return UNSUPPORTED_KEYS.some((k) => k in msg) ? { kind: 'unsupported' } : { kind: 'ignored' };
}

function commandOrText(msg: TelegramMessage, text: string): MessageContent {
  const command = msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!command) return { kind: 'text', text };
  // "/help@CityBot extra" → "/help": the dialogs know commands without the bot's name.
  const name = text.slice(0, command.length).split('@')[0]!.toLowerCase();
  if (name === '/start') return { kind: 'start' };
  return { kind: 'text', text: `${name}${text.slice(command.length)}`.trim() };
}

function media(file: TelegramFileRef, filename: string, imagesOnly: boolean, text?: string): MessageContent {
  return { kind: 'media', file, filename, imagesOnly, ...(text ? { text } : {}) };
}

function largest<T extends { width: number; height: number }>(sizes: readonly T[] | undefined): T | undefined {
  return sizes?.reduce<T | undefined>((best, s) => (!best || s.width * s.height > best.width * best.height ? s : best), undefined);
}
