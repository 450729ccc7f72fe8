/**
 * The Redis key that says people hold a conversation (JSON `Hold`); its presence silences the bot.
 * `mailbox` is the conversation's mailbox key, its ConversationKey (bot/conversation-key): the inbound queue reads
 * this key together with each message (OrderedQueue `sideKeyOf`), so the check costs no round trip.
 */
export const holdKeyOf = (prefix: string, mailbox: string): string => `${prefix}:handoff:hold:${mailbox}`;
