import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import busboy from 'busboy';
import express, { type Request, type Response } from 'express';
import TelegramServer from 'telegram-test-api';

/*
 * telegram-test-api (a Bot API emulator) with what it lacks, in a small companion server in front of
 * it: getUpdates that long-polls (the emulator answers at once, so Telegraf would spin), getFile and
 * file downloads, sendPhoto, sendChatAction, setWebhook with its secret_token (the emulator calls
 * webhooks without the X-Telegram-Bot-Api-Secret-Token header, so the companion relays them with it),
 * updates injected verbatim (to deliver one update many times) and scripted API failures (403, 429…).
 * Everything else is proxied to the emulator. Bots talk to `apiRoot`.
 */

/** What the bot sent, as the emulator stored it. */
export interface BotMessage {
  chat_id: string | number;
  text?: string;
  photo?: string;
  /** sendDocument: the uploaded file (multipart, as Telegraf sends a Buffer). */
  document?: { filename: string; contentType: string; data: Buffer };
  caption?: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> };
}

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

interface Scripted extends ApiFailure {
  method: string;
  chatId?: string;
  /** Matching calls that still succeed before this failure. */
  after: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export class TelegramEmulator {
  readonly chatActions: Array<{ chat_id: string; action: string }> = [];
  readonly answeredCallbacks: string[] = [];
  webhook: { url: string; secret?: string } | undefined;
  private readonly files = new Map<string, Buffer>();
  private readonly injected = new Map<string, object[]>();
  private readonly failures: Scripted[] = [];
  private readonly waiters = new Set<() => void>();
  private nextUpdateId = 1_000_000;

  private constructor(
    readonly server: TelegramServer,
    private readonly front: Server,
    readonly apiRoot: string,
  ) {
    for (const event of ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery']) server.on(event, () => this.wakeAll());
  }

  static async start(): Promise<TelegramEmulator> {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storage: 'RAM', storeTimeout: 600 });
    await server.start();
    const app = express();
    const front = createHttpServer(app);
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    const emulator = new TelegramEmulator(server, front, `http://127.0.0.1:${(front.address() as AddressInfo).port}`);
    emulator.mount(app, server.config.apiURL);
    return emulator;
  }

  /** A citizen's Telegram app, for one chat. */
  client(token: string, options: { chatId: number; userId?: number; firstName?: string }) {
    return this.server.getClient(token, { chatId: options.chatId, userId: options.userId ?? options.chatId, firstName: options.firstName ?? 'Citizen', timeout: 5_000 });
  }

  /** Registers a file the bot can fetch with getFile; returns its file_id. */
  addFile(data: Buffer): { file_id: string; file_unique_id: string; file_size: number } {
    const file_id = `f${randomBytes(8).toString('hex')}`;
    this.files.set(file_id, data);
    return { file_id, file_unique_id: file_id, file_size: data.length };
  }

  /** Queues an update exactly as given (same update_id, same message_id) for the bot polling with `token`. */
  inject(token: string, update: object): void {
    this.injected.set(token, [...(this.injected.get(token) ?? []), update]);
    this.wakeAll();
  }

  /** A new update id that does not collide with the emulator's own. */
  updateId(): number {
    return this.nextUpdateId++;
  }

  /** The next call of `method` (to `chatId`, if given; after `after` successful ones) fails like the Bot API would. */
  failNext(method: string, failure: ApiFailure, chatId?: string | number, after = 0): void {
    this.failures.push({ method, after, ...failure, ...(chatId !== undefined ? { chatId: String(chatId) } : {}) });
  }

  /** Everything the bot sent to a chat, oldest first. */
  botMessages(token: string, chatId: string | number): BotMessage[] {
    return this.server.storage.botMessages
      .filter((u) => u.botToken === token && String(u.message.chat_id) === String(chatId))
      .map((u) => u.message as unknown as BotMessage); // the emulator stores the request body as sent
  }

  async stop(): Promise<void> {
    this.wakeAll();
    this.front.closeAllConnections();
    this.front.close();
    await this.server.stop();
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private mount(app: express.Express, emulatorUrl: string): void {
    app.use(express.json({ limit: '5mb' }));
    app.use(express.urlencoded({ extended: true }));
    app.all('/bot:token/getUpdates', (req, res) => void this.getUpdates(req, res));
    app.all('/bot:token/sendMessage', (req, res) => this.reply(req, res, 'sendMessage', () => this.server.addBotMessage(req.body, String(req.params.token))));
    app.all('/bot:token/sendPhoto', (req, res) => this.reply(req, res, 'sendPhoto', () => this.server.addBotMessage(req.body, String(req.params.token))));
    app.post('/bot:token/sendDocument', (req, res) => void this.sendDocument(req, res));
    app.all('/bot:token/sendChatAction', (req, res) => this.reply(req, res, 'sendChatAction', () => (this.chatActions.push({ chat_id: String(req.body.chat_id), action: String(req.body.action) }), true)));
    app.all('/bot:token/answerCallbackQuery', (req, res) => this.reply(req, res, 'answerCallbackQuery', () => (this.answeredCallbacks.push(String(req.body.callback_query_id)), true)));
    app.all('/bot:token/getFile', (req, res) => this.getFile(req, res));
    app.get('/file/bot:token/files/:name', (req, res) => {
      const data = this.files.get(String(req.params.name).replace(/\.bin$/, ''));
      if (!data) return void res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
      res.type('application/octet-stream').send(data);
    });
    app.all('/bot:token/setWebhook', (req, res) => {
      this.webhook = { url: String(req.body.url), ...(req.body.secret_token ? { secret: String(req.body.secret_token) } : {}) };
      this.server.setWebhook({ url: `${this.apiRoot}/relay` }, String(req.params.token));
      res.json({ ok: true, result: true });
    });
    app.all('/bot:token/deleteWebhook', (req, res) => {
      this.webhook = undefined;
      this.server.deleteWebhook(String(req.params.token));
      res.json({ ok: true, result: true });
    });
    // The emulator's webhook call, forwarded with the secret header Telegram would send.
    app.post('/relay', async (req, res) => {
      if (!this.webhook) return void res.status(404).end();
      const answer = await fetch(this.webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}) },
        body: JSON.stringify(req.body),
      });
      res.status(answer.status).send(await answer.text());
    });
    app.all('/bot:token/:method', async (req, res) => {
      const answer = await fetch(`${emulatorUrl}${req.originalUrl}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req.body ?? {}) });
      res.status(answer.status).type('application/json').send(await answer.text());
    });
  }

  /** Answers a bot call with `result()`, unless a scripted failure for this method and chat is due. */
  private reply(req: Request, res: Response, method: string, result: () => unknown): void {
    const chatId = req.body?.chat_id === undefined ? undefined : String(req.body.chat_id);
    const i = this.failures.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (i >= 0 && this.failures[i]!.after > 0) this.failures[i]!.after--;
    else if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      res.status(f!.error_code).json({ ok: false, error_code: f!.error_code, description: f!.description, ...(f!.parameters ? { parameters: f!.parameters } : {}) });
      return;
    }
    res.json({ ok: true, result: result() });
  }

  /** Telegraf uploads a Buffer as multipart/form-data: the fields and the file are kept as one bot message. */
  private async sendDocument(req: Request, res: Response): Promise<void> {
    const fields: Record<string, string> = {};
    let document: BotMessage['document'];
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name: string, value: string) => { fields[name] = value; });
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => (document = { filename: info.filename ?? '', contentType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    req.pipe(parser);
    await once(parser, 'close');
    req.body = fields;
    this.reply(req, res, 'sendDocument', () => this.server.addBotMessage({ ...fields, document } as never, String(req.params.token)));
  }

  private getFile(req: Request, res: Response): void {
    const id = String(req.body?.file_id ?? req.query.file_id ?? '');
    const data = this.files.get(id);
    if (!data) return void res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
    this.reply(req, res, 'getFile', () => ({ file_id: id, file_unique_id: id, file_size: data.length, file_path: `files/${id}.bin` }));
  }

  /** Long polling: answers as soon as there is an update, or after `timeout` seconds with none. */
  private async getUpdates(req: Request, res: Response): Promise<void> {
    const token = String(req.params.token);
    const take = (): object[] => {
      const injected = this.injected.get(token) ?? [];
      this.injected.delete(token);
      return [...injected, ...this.server.getUpdates(token)];
    };
    let updates = take();
    const timeoutMs = Number(req.body?.timeout ?? 0) * 1_000;
    if (updates.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
        res.on('close', done);
      });
      if (res.destroyed) return;
      updates = take();
    }
    res.json({ ok: true, result: updates });
  }
}
