import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `POST /v1/audio/transcriptions` as the stub received it (multipart parsed). */
export interface TranscriptionRequest {
  model: string;
  language?: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  authorization?: string;
}

/** How the stub answers: `text` (200 `{ text }`), or an error `status`, after `delayMs`. */
export interface SttReply { text?: string; status?: number; delayMs?: number }

export interface SttStub {
  /** Base URL for STT_BASE_URL, ending in `/v1`. */
  readonly baseURL: string;
  readonly requests: TranscriptionRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 speaking OpenAI's `POST /v1/audio/transcriptions` (multipart `file`,
 * `model`, `language`), answering `{ text }` as `handler` decides: slow, failing or fine.
 */
export async function startSttStub(handler: (request: TranscriptionRequest) => SttReply | Promise<SttReply>): Promise<SttStub> {
  const requests: TranscriptionRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/audio/transcriptions')) {
        res.writeHead(404).end();
        return;
      }
      const parsed = await parse(req);
      requests.push(parsed);
      const reply = await handler(parsed);
      if (reply.delayMs) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { timers.delete(t); resolve(); }, reply.delayMs);
          timers.add(t);
        });
      }
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      const body = JSON.stringify(status >= 400 ? { error: { message: `stub error ${status}`, type: 'server_error' } } : { text: reply.text ?? '' });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(err) } }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function parse(req: IncomingMessage): Promise<TranscriptionRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = await new Request('http://stub/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) }).formData();
  const file = form.get('file');
  if (!(file instanceof Blob)) throw new Error('no file part');
  const language = form.get('language');
  return {
    model: String(form.get('model') ?? ''),
    ...(typeof language === 'string' ? { language } : {}),
    filename: (file as File).name ?? '',
    contentType: file.type,
    bytes: Buffer.from(await file.arrayBuffer()),
    ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
  };
}
