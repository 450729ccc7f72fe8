import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The parts of an OpenAI `POST /v1/chat/completions` body the stub looks at. */
export interface ChatCompletionRequest {
  model: string;
  messages: Array<{ role: string; content: unknown }>;
  tools?: Array<{ type: 'function'; function: { name: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; schema?: unknown } };
  [key: string]: unknown;
}

/** How the stub answers one request. */
export interface StubReply {
  /** The structured answer: sent as tool-call arguments or as message content, as the request asks. */
  json?: unknown;
  /** Sent verbatim instead of `JSON.stringify(json)` (e.g. to send text that is not JSON). */
  raw?: string;
  /** Answer with this HTTP status and an OpenAI-shaped error body instead of a completion. */
  status?: number;
  /** Wait this long before answering (the client may give up first). */
  delayMs?: number;
}

/** Decides the reply from the last user message; `request` is the whole parsed body. */
export type StubHandler = (lastUserMessage: string, request: ChatCompletionRequest) => StubReply | Promise<StubReply>;

export interface OpenAiStub {
  /** Base URL to give an OpenAI client, ending in `/v1`. */
  readonly baseURL: string;
  /** Every chat-completion request received, in arrival order. */
  readonly requests: ChatCompletionRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, that speaks enough of the OpenAI Chat Completions API
 * for LangChain's `withStructuredOutput`: when the request carries `tools` (function calling) it
 * answers with a `tool_calls` message whose arguments are the JSON; otherwise (`response_format`
 * json_schema / json_object) it answers with the JSON as message content.
 */
export async function startOpenAiStub(handler: StubHandler): Promise<OpenAiStub> {
  const requests: ChatCompletionRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A broken test handler must fail the request loudly, not hang the client.
      if (!res.headersSent) sendJson(res, 500, errorBody(`stub handler failed: ${String(err)}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      sendJson(res, 404, errorBody(`no route ${req.method} ${req.url}`));
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatCompletionRequest;
    requests.push(body);
    const reply = await handler(lastUserMessage(body), body);
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { timers.delete(t); resolve(); }, reply.delayMs);
        timers.add(t);
      });
    }
    if (res.destroyed) return; // the client gave up (timeout) while we waited
    if (reply.status && reply.status >= 400) {
      sendJson(res, reply.status, errorBody(`stub error ${reply.status}`));
      return;
    }
    sendJson(res, 200, completion(body, reply.raw ?? JSON.stringify(reply.json ?? {})));
  }

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

/** Text of the last `user` message, whether content is a string or an array of parts. */
export function lastUserMessage(body: ChatCompletionRequest): string {
  const user = [...body.messages].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) {
    return user.content.map((p: { text?: string }) => p.text ?? '').join('');
  }
  return '';
}

function completion(body: ChatCompletionRequest, payload: string) {
  const tool = body.tools?.[0];
  const message = tool
    ? {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: 'call_stub_1', type: 'function', function: { name: tool.function.name, arguments: payload } }],
      }
    : { role: 'assistant', content: payload, refusal: null };
  return {
    id: `chatcmpl-stub-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: tool ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function errorBody(message: string) {
  return { error: { message, type: 'server_error', param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
