import { expect } from 'vitest';
import type { Db } from '../../bot/sql/database';
import { buttons, type DlConversation, waitFor } from '../e2e/support';
import type { TelegramChat } from './telegram-chat';
import type { BotMessage } from './telegram-emulator';
import { buttonsOf } from './telegram-chat';

/**
 * A citizen's chat on web chat or Telegram, as the end-to-end tests of a whole story drive it, so one
 * story runs on both channels: say something and read the answer, wait for a message sent outside a turn,
 * send a photo, and find their citizen in SQL.
 */
export interface CitizenChat {
  /** Says `text`; the bot's answer. */
  ask(text: string): Promise<string>;
  /** Says `text`; the bot's answer and its buttons' titles. */
  choose(text: string): Promise<{ text: string; buttons: string[] }>;
  /** Sends a PNG photo; the bot's answer. */
  sendPhoto(png: Buffer): Promise<string>;
  /** Waits for a message the bot sends outside a turn (a sign-in's outcome, an agent's decision). */
  told(expected: RegExp): Promise<string>;
  /** Their citizen, by their channel identity. */
  citizen(): Promise<string>;
}

export function webChatOf(c: DlConversation, db: Db): CitizenChat {
  const reply = async (id: string) => waitFor(() => c.repliesTo(id)[0], 'a web chat reply', 20_000);
  return {
    ask: async (text) => (await c.ask(text, 20_000)).reply.text ?? '',
    choose: async (text) => {
      const { reply: r } = await c.ask(text, 20_000);
      return { text: r.text ?? '', buttons: buttons(r) };
    },
    sendPhoto: async (png) => (await reply(await c.upload({ data: png, type: 'image/png', name: 'prueba.png' }))).text ?? '',
    told: async (expected) => (await c.botSays(expected, 20_000)).text ?? '',
    // The conversation reaches SQL through the transcript outbox: it may trail the reply.
    citizen: () => waitFor(async () => (await db.kysely.selectFrom('conversations').select('citizen_id').where('id', '=', `webchat:${c.conversationId}`).executeTakeFirst())?.citizen_id, 'the web chat in SQL'),
  };
}

export function telegramChatOf(c: TelegramChat, db: Db): CitizenChat {
  // A file the bot sends beside its sentence (an appointment's calendar file) is a message of its own: the sentence is the answer.
  const answer = async (): Promise<BotMessage> => {
    let m = await c.next();
    while (m.document && !m.caption) m = await c.next();
    return m;
  };
  const say = async (text: string): Promise<BotMessage> => {
    await c.say(text);
    return answer();
  };
  return {
    ask: async (text) => {
      const m = await say(text);
      return m.text ?? m.caption ?? '';
    },
    choose: async (text) => {
      const m = await say(text);
      return { text: m.text ?? '', buttons: buttonsOf(m) };
    },
    sendPhoto: async (png) => {
      await c.send({ photo: [{ ...c.emulator.addFile(png), width: 800, height: 600 }] });
      return (await answer()).text ?? '';
    },
    told: async (expected) => {
      const text = (await c.next()).text ?? '';
      expect(text).toMatch(expected);
      return text;
    },
    citizen: async () => (await db.kysely.selectFrom('channel_identities').select('citizen_id').where('channel', '=', 'telegram').where('channel_user_id', '=', String(c.chatId)).executeTakeFirstOrThrow()).citizen_id,
  };
}
