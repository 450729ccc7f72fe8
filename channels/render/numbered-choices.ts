import type { Redis } from 'ioredis';
import type { ConversationRef } from '../../bot/channel';
import { conversationKey } from '../../bot/conversation-key';
// The dialogs' own position words ("uno", "primero", "the second"), so both sides agree on what "2" means.
import { positionOf } from '../../bot/choice-position';
import type { OutChoice, OutMessage } from './out-message';

/** How long options stay answerable by number: a citizen may answer the next day, not next week. */
const DEFAULT_TTL_SECONDS = 86_400;

export interface NumberedChoicesOptions {
  /** Key prefix (REDIS_PREFIX). */
  prefix: string;
  /** @defaultValue 86 400 (one day) */
  ttlSeconds?: number;
}

/**
 * Remembers, per conversation, the options a channel last showed as numbered text, so that the
 * citizen's "1", "uno", "primero" or the option's own title becomes that option's value before ingest.
 * The dialogs then see exactly what a button press would have sent. Kept in Redis (not in memory)
 * because the process that sent the options is rarely the one that receives the answer.
 *
 * @example
 * ```ts
 * await numbered.track(ref, renderActivity(activity, caps)); // after sending
 * const text = (await numbered.resolve('whatsapp', chatId, incoming)) ?? incoming; // before ingest
 * ```
 */
export class NumberedChoices {
  private readonly ttl: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: NumberedChoicesOptions,
  ) {
    this.ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  /** Stores the options shown last in a conversation; an empty list forgets them. */
  async remember(ref: ConversationRef, options: readonly OutChoice[]): Promise<void> {
    const key = this.keyOf(ref.channel, ref.conversationId);
    if (options.length === 0) await this.redis.del(key);
    else await this.redis.set(key, JSON.stringify(options), 'EX', this.ttl);
  }

  /**
   * Updates the memory after `messages` were sent: the last text message decides. Its numbered
   * options are remembered; a text without them forgets the old ones, because a "2" answering a
   * later free-text question must stay "2".
   */
  async track(ref: ConversationRef, messages: readonly OutMessage[]): Promise<void> {
    const last = messages.filter((m) => m.kind === 'text').at(-1);
    if (!last) return;
    await this.remember(ref, last.choices?.style === 'numbered' ? last.choices.options : []);
  }

  /** The value of the option `text` names by position or by title; undefined when it names none. */
  async resolve(channel: string, conversationId: string, text: string | undefined): Promise<string | undefined> {
    if (!text?.trim()) return undefined;
    const stored = await this.redis.get(this.keyOf(channel, conversationId));
    if (stored === null) return undefined;
    const options = JSON.parse(stored) as OutChoice[];
    const position = positionOf(text);
    if (position !== undefined) return options[position - 1]?.value;
    const said = fold(text);
    return options.find((o) => fold(o.title) === said || fold(o.value) === said)?.value;
  }

  private keyOf(channel: string, conversationId: string): string {
    return `${this.options.prefix}:numbered:${conversationKey(channel, conversationId)}`;
  }
}

/** Lower case, no accents, no surrounding punctuation: "¡Sí!" and "si" are the same answer. */
const fold = (s: string): string =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
