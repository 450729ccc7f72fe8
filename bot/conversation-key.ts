/**
 * One conversation as every part names it: `<channel>:<the channel's conversation id>`. The same string
 * is the SQL rows' conversation id, the Redis mailbox, journal and hold keys, and the console's
 * `conversationKey`; channel ids never contain ':', so the first ':' splits it again.
 */
export type ConversationKey = string & { readonly __brand: 'ConversationKey' };

export const conversationKey = (channel: string, conversationId: string): ConversationKey => `${channel}:${conversationId}` as ConversationKey;

/** The parts of a key, or undefined when `text` is not one (input from a client or an old record). */
export function parseConversationKey(text: string): { key: ConversationKey; channel: string; conversationId: string } | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { key: text as ConversationKey, channel: text.slice(0, at), conversationId: text.slice(at + 1) };
}
