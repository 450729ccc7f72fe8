import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat-completion request as the server saw it. */
export interface SeenRequest {
  body: { model: string; messages: Array<{ role: string; content: unknown }>; tools?: Array<{ function: { name: string } }>; response_format?: { json_schema?: { name?: string } } };
  /** Every system message's text, joined. */
  system: string;
  /** The last user message's text. */
  user: string;
  /** The structured-output name the client asked for (`classify_message`, `extract_place`), if any. */
  schema?: string;
  /** Ollama's `format` (a JSON schema for structured output), when the request came to `/api/chat`. */
  format?: unknown;
}

/** How the server answers one request. */
export interface ModelReply {
  /** Structured answer: tool-call arguments or message content, as the request asks. */
  json?: unknown;
  /** Sent verbatim as the answer instead of JSON. */
  raw?: string;
  /** An HTTP error with an OpenAI-shaped body instead of a completion. */
  status?: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface ModelServer {
  readonly baseURL: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server (127.0.0.1, port 0) that plays whatever model a test needs: a
 * compromised one that obeys injections, a slow one, one that answers 429 with Retry-After, 500,
 * or malformed JSON. It speaks enough of Chat Completions for LangChain's structured output (tool
 * calls when the request has tools, content otherwise), and of Ollama's `/api/chat`.
 */
export async function startModelServer(answer: (req: SeenRequest) => ModelReply | Promise<ModelReply>): Promise<ModelServer> {
  const seen: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: `test server failed: ${String(err)}` } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SeenRequest['body'] & { format?: unknown };
    const ollama = req.url?.startsWith('/api/chat') ?? false;
    const text = (m: { content: unknown }) =>
      typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p: { text?: string }) => p.text ?? '').join('') : '';
    const schema = body.tools?.[0]?.function.name ?? body.response_format?.json_schema?.name;
    const request: SeenRequest = {
      body,
      system: body.messages.filter((m) => m.role === 'system' || m.role === 'developer').map(text).join('\n'),
      user: text([...body.messages].reverse().find((m) => m.role === 'user') ?? { content: '' }),
      ...(schema ? { schema } : {}),
      ...(body.format !== undefined ? { format: body.format } : {}),
    };
    seen.push(request);
    const reply = await answer(request);
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { timers.delete(t); resolve(); }, reply.delayMs);
        timers.add(t);
      });
    }
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) {
      send(res, reply.status, { error: { message: `test error ${reply.status}`, type: 'server_error', param: null, code: null } }, reply.headers);
      return;
    }
    const payload = reply.raw ?? JSON.stringify(reply.json ?? {});
    if (ollama) {
      // Ollama's /api/chat: one NDJSON line, valid whether the client streams or not.
      const line = JSON.stringify({ model: body.model, created_at: new Date(0).toISOString(), message: { role: 'assistant', content: payload }, done: true, done_reason: 'stop' });
      res.writeHead(200, { 'content-type': 'application/x-ndjson', ...reply.headers });
      res.end(`${line}\n`);
      return;
    }
    const tool = body.tools?.[0];
    const message = tool
      ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: tool.function.name, arguments: payload } }] }
      : { role: 'assistant', content: payload, refusal: null };
    send(res, 200, {
      id: 'chatcmpl-test', object: 'chat.completion', created: 0, model: body.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: tool ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }, reply.headers);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise<void>((resolve, reject) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
