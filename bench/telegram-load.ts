import { TelegramEmulator } from '../tests/support/telegram-emulator';
import { percentile, SCRIPT } from './directline-load';

/**
 * Citizens chatting with the bot through telegram-test-api over real HTTP (the bot long-polls the
 * emulator, sends with sendMessage). Closed loop: each chat says its next line when the bot answered.
 * The emulator runs in this process, so its CPU counts as the load generator's.
 */
export interface TelegramLoad {
  emulator: TelegramEmulator;
  token: string;
  stop(): Promise<void>;
}

export async function startTelegramLoad(): Promise<TelegramLoad> {
  const emulator = await TelegramEmulator.start();
  return { emulator, token: '123456:bench-token', stop: () => emulator.stop() };
}

export async function telegramClosedLoop(load: TelegramLoad, chats: number, seconds: number): Promise<{ messagesPerSecond: number; p50: number; p99: number; messages: number }> {
  const { emulator, token } = load;
  const waiting = new Map<string, () => void>();
  const storage = emulator.server.storage.botMessages;
  let seen = storage.length;
  const onBotMessage = (): void => {
    for (; seen < storage.length; seen++) {
      const chat = String(storage[seen]!.message.chat_id);
      waiting.get(chat)?.();
      waiting.delete(chat);
    }
  };
  emulator.server.on('AddedBotMessage', onBotMessage);
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1_000;
  let done = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: chats }, async (_, i) => {
    const chatId = 700_000 + i;
    const client = emulator.client(token, { chatId });
    for (let k = i; performance.now() < until; k++) {
      const answered = new Promise<void>((r) => waiting.set(String(chatId), r));
      const t0 = performance.now();
      await client.sendMessage(client.makeMessage(SCRIPT[k % SCRIPT.length]!, { from: { language_code: 'es' } as never }));
      await answered;
      latencies.push(performance.now() - t0);
      done++;
      // Telegram spaces deliveries to one chat by a second: wait for the rest of this turn's messages.
      await new Promise((r) => setTimeout(r, 1_100));
    }
  }));
  const elapsed = (performance.now() - started) / 1_000;
  emulator.server.off('AddedBotMessage', onBotMessage);
  latencies.sort((a, b) => a - b);
  return { messagesPerSecond: Math.round(done / elapsed), p50: percentile(latencies, 50), p99: percentile(latencies, 99), messages: done };
}
