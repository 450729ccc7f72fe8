import type { Redis } from 'ioredis';

/** A citizen who wrote last month may write again: remember their language a while. */
const TTL_SECONDS = 30 * 86_400;

/**
 * The language the bot last spoke in each chat (the `locale` of its replies), so that a message
 * answered without a turn (a sticker: "I can only read text…") comes out in the citizen's language.
 */
export class ReplyLocales {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async remember(chatId: string, locale: string): Promise<void> {
    await this.redis.set(this.keyOf(chatId), locale, 'EX', TTL_SECONDS);
  }

  async of(chatId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keyOf(chatId))) ?? undefined;
  }

  private keyOf(chatId: string): string {
    return `${this.keyPrefix}:${chatId}`;
  }
}
