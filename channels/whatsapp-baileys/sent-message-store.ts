import { proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { Redis } from 'ioredis';

/** How long a sent message can be asked for again: a phone offline for a day still gets it. */
const DEFAULT_TTL_SECONDS = 86_400;

/**
 * The messages this bot sent, by WhatsApp message id, for Baileys' `getMessage`: when a citizen's
 * phone could not decrypt a message it asks for a retry, and Baileys re-encrypts the content it gets
 * here. Without it the citizen sees "waiting for this message" forever. Stored as the protobuf bytes
 * of `message` (compact and exact), in Redis so a restarted process can still answer.
 */
export class SentMessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {}

  /** Keeps a message `sendMessage` returned; one without an id or content is ignored. */
  async save(sent: WAMessage | undefined): Promise<void> {
    const id = sent?.key.id;
    if (!id || !sent.message) return;
    const bytes = proto.Message.encode(proto.Message.fromObject(sent.message)).finish();
    await this.redis.set(this.keyOf(id), Buffer.from(bytes).toString('base64'), 'EX', this.ttlSeconds);
  }

  /** The content of a message we sent, or undefined (expired, or never ours). Pass as `getMessage`. */
  async get(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined;
    const stored = await this.redis.get(this.keyOf(key.id));
    return stored === null ? undefined : proto.Message.decode(Buffer.from(stored, 'base64'));
  }

  private keyOf(id: string): string {
    return `${this.keyPrefix}:${id}`;
  }
}
