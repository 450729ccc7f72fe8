import { parseMarkdown, plainText } from '../../channels/render/markdown';

/**
 * The text of a bot message as a person reads it in Web Chat: the web chat channel sends CommonMark
 * (hard breaks for new lines, escaped punctuation: see channels/render), and tests that talk to the bot
 * over Direct Line assert on what is shown, not on its markup.
 * @example shownText('Tus trámites:\\\n1\\. ALU-1') === 'Tus trámites:\n1. ALU-1'
 */
export const shownText = (markdown: string): string => plainText(parseMarkdown(markdown, { breaks: false }));

/** The activity with a bot message's text as shown (see shownText); anything else unchanged. */
export function asShown<A extends { type?: string; text?: string; from?: { role?: string } }>(a: A): A {
  return a.type === 'message' && a.from?.role === 'bot' && typeof a.text === 'string' ? { ...a, text: shownText(a.text) } : a;
}
