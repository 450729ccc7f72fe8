import { describe, expect, it } from 'vitest';
import { locationOf } from '../../../bot/activity';
import { contentOf } from '../../../channels/telegram/message-content';
import { localeOf, messageActivity, startActivity } from '../../../channels/telegram/to-activity';
import { TelegramMessageSchema, type TelegramMessage } from '../../../channels/telegram/telegram-update';

/* Recorded shapes of Telegram messages (trimmed Bot API payloads) in, what the bot makes of them out. */

const from = { id: 42, is_bot: false, first_name: 'Ana', language_code: 'ca' };
const msg = (extra: Record<string, unknown>): TelegramMessage =>
  TelegramMessageSchema.parse({ message_id: 7, date: 1_760_000_000, chat: { id: 42, type: 'private' }, from, ...extra });

describe('contentOf', () => {
  it('reads text, /start as a conversation start, and /help@Bot as /help', () => {
    expect(contentOf(msg({ text: '  hola  ' }))).toEqual({ kind: 'text', text: 'hola' });
    expect(contentOf(msg({ text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }))).toEqual({ kind: 'start' });
    expect(contentOf(msg({ text: '/start ref-campaign', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }))).toEqual({ kind: 'start' });
    expect(contentOf(msg({ text: '/help@CityBot', entities: [{ type: 'bot_command', offset: 0, length: 13 }] }))).toEqual({ kind: 'text', text: '/help' });
    // A slash that is not a command entity is just text.
    expect(contentOf(msg({ text: '/ruta 3' }))).toEqual({ kind: 'text', text: '/ruta 3' });
  });

  it('takes the largest size of a photo, keeps its caption, and treats an image sent as a file as a photo', () => {
    const photo = contentOf(msg({ caption: 'el bache', photo: [
      { file_id: 'small', width: 90, height: 67 }, { file_id: 'big', width: 1280, height: 960 }, { file_id: 'mid', width: 320, height: 240 },
    ] }));
    expect(photo).toMatchObject({ kind: 'media', file: { file_id: 'big' }, imagesOnly: true, text: 'el bache' });
    expect(contentOf(msg({ document: { file_id: 'doc', mime_type: 'image/jpeg', file_name: 'bache.jpg' } }))).toMatchObject({ kind: 'media', filename: 'bache.jpg', imagesOnly: true });
  });

  it('keeps voice notes and audio (any stored media), but not other documents', () => {
    expect(contentOf(msg({ voice: { file_id: 'v', mime_type: 'audio/ogg' } }))).toMatchObject({ kind: 'media', file: { file_id: 'v' }, imagesOnly: false });
    expect(contentOf(msg({ document: { file_id: 'd', mime_type: 'application/pdf' } }))).toEqual({ kind: 'unsupported' });
  });

  it('reads a shared location, and a venue with its name and address', () => {
    expect(contentOf(msg({ location: { latitude: 39.47, longitude: -0.38 } }))).toEqual({ kind: 'location', point: { latitude: 39.47, longitude: -0.38 } });
    expect(contentOf(msg({ venue: { location: { latitude: 39.47, longitude: -0.38 }, title: 'Mercat Central', address: 'Plaça del Mercat' }, location: { latitude: 39.47, longitude: -0.38 } })))
      .toEqual({ kind: 'location', point: { latitude: 39.47, longitude: -0.38 }, name: 'Mercat Central', text: 'Mercat Central, Plaça del Mercat' });
  });

  it('calls stickers, polls, contacts and dice unsupported, and ignores service messages', () => {
    for (const extra of [{ sticker: { file_id: 's' } }, { poll: { id: 'p' } }, { contact: { phone_number: '1' } }, { dice: { emoji: '🎲', value: 3 } }, { video: { file_id: 'v' } }]) {
      expect(contentOf(msg(extra))).toEqual({ kind: 'unsupported' });
    }
    expect(contentOf(msg({ pinned_message: { message_id: 1 } }))).toEqual({ kind: 'ignored' });
  });
});

describe('Telegram activities', () => {
  const origin = { id: '42:7', chatId: 42, from };

  it('uses chat id for the conversation, the user id for from, and the platform ids for the activity id', () => {
    const a = messageActivity(origin, { text: 'hola' });
    expect(a).toMatchObject({ type: 'message', id: '42:7', channelId: 'telegram', conversation: { id: '42' }, from: { id: '42', name: 'Ana' }, text: 'hola', locale: 'ca' });
  });

  it('puts a shared location in a Place entity', () => {
    const a = messageActivity(origin, { place: { latitude: 39.47, longitude: -0.38, name: 'Mercat' } });
    expect(locationOf(a)).toEqual({ latitude: 39.47, longitude: -0.38 });
  });

  it('greets on /start with a conversationUpdate that adds the citizen', () => {
    expect(startActivity(origin)).toMatchObject({ type: 'conversationUpdate', id: '42:7', membersAdded: [{ id: '42' }] });
  });

  it('reports the citizen’s language only when the bot speaks it', () => {
    expect(localeOf({ id: 1, language_code: 'en-GB' })).toBe('en-gb');
    expect(localeOf({ id: 1, language_code: 'es' })).toBe('es');
    expect(localeOf({ id: 1, language_code: 'fr' })).toBeUndefined();
    expect(localeOf(undefined)).toBeUndefined();
  });
});
