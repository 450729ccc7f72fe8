import type { App } from '../../../bot/app';
import type { Config } from '../../../bot/config';
import { startTestApp } from '../../e2e/support';
import { socketDoubles, textOf, type BaileysSocketDouble } from '../../support/baileys-socket-double';
import type { WAMessage } from '@whiskeysockets/baileys';

/**
 * The whole bot (ROLE=all) with WHATSAPP_BAILEYS=1, its socket factory replaced by doubles through
 * startApp's hook; like tests/e2e/support.ts's startTestApp otherwise (port 0, own prefix and data folder).
 */
export interface WhatsAppApp {
  app: App;
  url: string;
  config: Config;
  /** The app's SQLite file (to read what it kept: transcripts, tickets). */
  sqlitePath: string;
  /** The socket the channel holds now (a reconnection opens a new one). */
  socket(): BaileysSocketDouble;
  sockets: BaileysSocketDouble[];
  stop(): Promise<void>;
}

export async function startWhatsAppApp(env: Record<string, string> = {}): Promise<WhatsAppApp> {
  const doubles = socketDoubles();
  const running = await startTestApp({ WHATSAPP_BAILEYS: '1', ...env }, { makeWhatsAppSocket: doubles.make });
  return { app: running.app, url: running.url, config: running.config, sqlitePath: running.sqlitePath, socket: doubles.latest, sockets: doubles.sockets, stop: running.stop };
}

/** One citizen's chat with the bot, seen from WhatsApp. */
export class Chat {
  constructor(
    private readonly wa: WhatsAppApp,
    readonly jid: string,
  ) {}

  /** Everything the bot sent to this chat, in order. */
  texts(): string[] {
    return this.wa.sockets.flatMap((s) => s.textsTo(this.jid));
  }

  /** Delivers a message from the citizen and waits for a bot message, sent after it, that matches. */
  async say(message: WAMessage, expect: RegExp, timeoutMs = 15_000): Promise<string> {
    const before = this.texts().length;
    this.wa.socket().receive([message]);
    return this.next(expect, before, timeoutMs);
  }

  /** The first bot message from index `from` on that matches; waits for it. */
  async next(expect: RegExp, from: number, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.texts().slice(from).find((t) => expect.test(t));
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(expect)}; the bot said: ${JSON.stringify(this.texts().slice(from))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export { textOf };
