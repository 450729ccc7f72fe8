import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { WebSocket } from 'ws';
import { startApp, type App, type AppHooks } from '../../bot/app';
import { loadConfig, type Config } from '../../bot/config';
import type { Logger } from '../../bot/logger';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';
import { asShown } from '../support/web-chat-text';

// botframework-directlinejs is written for browsers: give it XMLHttpRequest and WebSocket before loading it.
const require = createRequire(import.meta.url);
const g = globalThis as Record<string, unknown>;
g.XMLHttpRequest ??= require('xhr2');
g.WebSocket ??= WebSocket;
export const { DirectLine } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');
export type DirectLineClient = InstanceType<typeof DirectLine>;

export const REFERENCE = /ALU-\d{4}-\d{6}/;

/** The whole bot in this process (ROLE=all unless overridden), on port 0, with its own Redis prefix and data folder. */
export interface RunningApp {
  app: App;
  url: string;
  config: Config;
  dataDir: string;
  sqlitePath: string;
  stop(): Promise<void>;
}

/** `log`: where the app logs (a capturing logger, for tests that check log lines); silent by default. */
export async function startTestApp(env: Record<string, string> = {}, hooks: AppHooks = {}, log?: Logger): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'e2e-'));
  const sqlitePath = path.join(dataDir, 'bot.sqlite');
  const config = loadConfig({
    NODE_ENV: 'test',
    ROLE: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_PREFIX: testPrefix(),
    DATA_DIR: dataDir,
    SQLITE_PATH: sqlitePath,
    CATALOG: 'config/catalog.yaml',
    LOG_LEVEL: 'silent',
    TOKEN_RATE_LIMIT: '1000',
    ...env,
  });
  let app: App;
  try {
    app = await startApp(config, log, hooks);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  if (!app.url) throw new Error('the app has no URL (ROLE=worker?)');
  let stopped: Promise<void> | undefined;
  return {
    app,
    url: app.url,
    config,
    dataDir,
    sqlitePath,
    stop: () =>
      (stopped ??= (async () => {
        await app.stop();
        const redis = redisClient();
        try {
          await dropPrefix(redis, config.REDIS_PREFIX);
        } finally {
          await redis.quit();
        }
        await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** A conversation driven through Microsoft's botframework-directlinejs client. */
export class DlConversation {
  readonly seen: Partial<Activity>[] = [];
  readonly errors: unknown[] = [];

  private constructor(readonly dl: DirectLineClient, private readonly baseUrl: string) {
    dl.activity$.subscribe(
      // Bot text as Web Chat shows it: the channel sends CommonMark (tests/support/web-chat-text).
      (a) => this.seen.push(asShown(a as Partial<Activity>)),
      (err: unknown) => this.errors.push(err),
    );
  }

  /** tokens/generate, then a directlinejs client on that token (the client starts the conversation). */
  static async open(baseUrl: string, webSocket = true): Promise<DlConversation> {
    const res = await fetch(`${baseUrl}/v3/directline/tokens/generate`, { method: 'POST' });
    if (res.status !== 200) throw new Error(`tokens/generate answered ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    return new DlConversation(new DirectLine({ token, domain: `${baseUrl}/v3/directline`, webSocket, pollingInterval: 200 }), baseUrl);
  }

  /**
   * The conversation as the server's stream holds it (GET activities, every page). directlinejs emits
   * each frame's activities on its async scheduler through flatMap, so two frames can interleave in
   * `seen`; the stream order is the one the bot guarantees.
   */
  async streamOrder(): Promise<Partial<Activity>[]> {
    const token = (this.dl as unknown as { token: string }).token; // directlinejs keeps the refreshed token here
    const all: Partial<Activity>[] = [];
    let watermark = '';
    for (;;) {
      const res = await fetch(`${this.baseUrl}/v3/directline/conversations/${this.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`GET activities answered ${res.status}`);
      const page = (await res.json()) as { activities: Partial<Activity>[]; watermark?: string };
      all.push(...page.activities.map(asShown));
      if (page.activities.length === 0 || !page.watermark || page.watermark === watermark) return all;
      watermark = page.watermark;
    }
  }

  get conversationId(): string | undefined {
    return this.seen.find((a) => a.conversation?.id)?.conversation?.id;
  }

  /** Posts a message; resolves with the id the server gave it. */
  post(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      this.dl.postActivity({ type: 'message', from: { id: 'citizen' }, text, ...extra } as never).subscribe(resolve, reject);
    });
  }

  /** Uploads a file the way Web Chat does (multipart to `…/upload`); resolves with the message's id. */
  async upload(file: { data: Buffer; type: string; name: string }): Promise<string> {
    const token = (this.dl as unknown as { token: string }).token; // directlinejs keeps the current token here
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    const res = await fetch(`${this.baseUrl}/v3/directline/conversations/${this.conversationId}/upload?userId=citizen`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    if (res.status !== 200) throw new Error(`upload answered ${res.status}`);
    return ((await res.json()) as { id: string }).id;
  }

  bot(): Partial<Activity>[] {
    return this.seen.filter((a) => a.from?.role === 'bot');
  }

  repliesTo(id: string): Partial<Activity>[] {
    return this.bot().filter((a) => a.replyToId === id);
  }

  /** Waits until a bot message matches; returns it. */
  async botSays(match: RegExp | ((a: Partial<Activity>) => boolean), timeoutMs = 15_000): Promise<Partial<Activity>> {
    const test = typeof match === 'function' ? match : (a: Partial<Activity>) => match.test(a.text ?? '');
    return waitFor(() => this.bot().find(test), `a bot message matching ${String(match)}`, timeoutMs);
  }

  /** Posts `text` and waits for the first reply to it. */
  async ask(text: string, timeoutMs = 15_000): Promise<{ id: string; reply: Partial<Activity> }> {
    const id = await this.post(text);
    const reply = await waitFor(() => this.repliesTo(id)[0], `a reply to "${text.slice(0, 40)}"`, timeoutMs);
    return { id, reply };
  }

  /** Posts `text` and waits for a reply to it that matches; that reply's text. */
  async says(text: string, expected: RegExp, timeoutMs = 15_000): Promise<string> {
    const id = await this.post(text);
    const reply = await waitFor(() => this.repliesTo(id).find((a) => expected.test(a.text ?? '')), `a web chat reply matching ${expected}`, timeoutMs);
    return reply.text ?? '';
  }

  end(): void {
    this.dl.end();
  }
}

/** Resolves with the first value `take` returns that is not undefined; rejects after `timeoutMs`. */
export async function waitFor<T>(take: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await take();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const uniqueId = (): string => randomUUID();

/** The titles of a bot message's suggested actions. */
export const buttons = (a: Partial<Activity> | undefined): string[] => (a?.suggestedActions?.actions ?? []).map((x) => x.title ?? '');
