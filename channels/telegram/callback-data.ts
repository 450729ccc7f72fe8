import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Telegram's limit for an inline button's callback_data, in bytes. */
const MAX_BYTES = 64;
// Marks callback data that is a key to a stored value. A value that itself starts with it is stored too.
const MARK = '§k:';
/** Buttons stay in the chat history: a value must outlive them for as long as someone may press one. */
const TTL_SECONDS = 30 * 86_400;

/**
 * Button values as Telegram callback_data. A value of up to 64 bytes travels as is; a longer one is
 * kept in Redis under a short random key and the key travels instead (any process can resolve it).
 */
export class CallbackData {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async encode(value: string): Promise<string> {
    if (Buffer.byteLength(value, 'utf8') <= MAX_BYTES && !value.startsWith(MARK)) return value;
    const key = randomBytes(12).toString('base64url');
    await this.redis.set(this.keyOf(key), value, 'EX', TTL_SECONDS);
    return `${MARK}${key}`;
  }

  /** The value a button stands for; undefined when its stored value expired. */
  async decode(data: string): Promise<string | undefined> {
    if (!data.startsWith(MARK)) return data;
    return (await this.redis.get(this.keyOf(data.slice(MARK.length)))) ?? undefined;
  }

  private keyOf(key: string): string {
    return `${this.prefix}:telegram:cb:${key}`;
  }
}
