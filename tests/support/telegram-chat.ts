import type { BotMessage, TelegramEmulator } from './telegram-emulator';

/**
 * One citizen's private chat with the bot, driven through the emulator over HTTP like the Telegram
 * app would: text, commands, button presses (callback queries), locations, photos, stickers.
 */
export class TelegramChat {
  /** Bot messages already returned by `next`. */
  private seen = 0;
  private readonly client;

  constructor(
    readonly emulator: TelegramEmulator,
    readonly token: string,
    readonly chatId: number,
    private readonly languageCode = 'es',
  ) {
    this.client = emulator.client(token, { chatId });
  }

  /** Everything the bot sent to this chat. */
  messages(): BotMessage[] {
    return this.emulator.botMessages(this.token, this.chatId);
  }

  async say(text: string): Promise<void> {
    await this.client.sendMessage(this.client.makeMessage(text, { from: { language_code: this.languageCode } as never }));
  }

  async command(text: string): Promise<void> {
    await this.client.sendCommand(this.client.makeCommand(text, { from: { language_code: this.languageCode } as never }));
  }

  /** A message with other content than text (location, photo, sticker…). */
  async send(content: Record<string, unknown>): Promise<void> {
    const message: Record<string, unknown> = { ...this.client.makeMessage('', { from: { language_code: this.languageCode } as never }), ...content };
    delete message.text;
    await this.client.sendMessage(message as never);
  }

  /** Presses the button titled `title` on the latest bot message that has one. */
  async press(title: string): Promise<void> {
    const button = [...this.messages()].reverse().flatMap((m) => m.reply_markup?.inline_keyboard?.flat() ?? []).find((b) => b.text === title);
    if (!button) throw new Error(`no button "${title}" in the chat`);
    await this.client.sendCallback(this.client.makeCallbackQuery(button.callback_data, { message: { message_id: 1 } as never }));
  }

  /** Waits for the bot's next message in this chat (each message is returned once, in order). */
  async next(timeoutMs = 15_000): Promise<BotMessage> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const all = this.messages();
      if (this.seen < all.length) return all[this.seen++]!;
      if (Date.now() > until) throw new Error(`timed out waiting for a bot message; so far: ${JSON.stringify(all.map((m) => m.text))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Says `text` and returns the bot's next message. */
  async ask(text: string): Promise<BotMessage> {
    await this.say(text);
    return this.next();
  }
}

/** The titles of a message's inline keyboard, row by row flattened. */
export const buttonsOf = (m: BotMessage): string[] => (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);
