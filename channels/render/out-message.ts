/** One option of a choice, as a channel shows it: `title` on the button, `value` sent back as the citizen's text. */
export interface OutChoice {
  title: string;
  value: string;
  /** A list row's second line: the whole title when the row's title had to be cut. */
  description?: string;
}

/**
 * How a message offers its options:
 * - `buttons`: one platform button per option (Telegram inline keyboard, WhatsApp reply buttons);
 * - `list`: a list picker (WhatsApp Cloud interactive list);
 * - `numbered`: "1. Sí" lines, already appended to the message text by the renderer.
 */
export interface OutChoices {
  style: 'buttons' | 'list' | 'numbered';
  options: OutChoice[];
}

/** A button that opens a web page (a card's `openUrl` action, e.g. a video call's room): its label and URL. */
export interface OutLink {
  title: string;
  url: string;
}

/**
 * One platform message, ready to send: text already in the channel's markup and within its length
 * limit, choices already fitted to its widgets. A channel's `send` maps each to one platform call.
 * A text is empty only when the activity had nothing but buttons or a list to show.
 */
export type OutMessage =
  | { kind: 'text'; text: string; choices?: OutChoices; link?: OutLink }
  | { kind: 'image'; url: string; caption?: string }
  | { kind: 'file'; url: string; name: string; contentType: string }
  | { kind: 'typing' };
