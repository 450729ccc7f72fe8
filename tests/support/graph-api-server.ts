import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the bot POSTed to `/{phone-id}/messages`, with the wamid the server gave it. */
export interface PostedMessage {
  wamid: string;
  to: string;
  type: string;
  body: Record<string, any>;
}

export interface GraphApiServerOptions {
  /** The bearer token every call must carry. @defaultValue 'test-graph-token' */
  token?: string;
  /** @defaultValue '1234567890' */
  phoneNumberId?: string;
  /** @defaultValue 'v21.0' */
  version?: string;
}

/**
 * A local stand-in for the WhatsApp Cloud API's Graph endpoints, close enough to Meta's to catch our
 * mistakes: bearer-token checks (401, Graph error 190), the same response shapes, and the documented
 * limits of interactive messages enforced as 400s (Graph error 100).
 * - `POST /{version}/{phone-id}/messages`: records messages (and "mark as read" calls separately);
 * - `GET /{version}/{media-id}`: media metadata with a download URL on this server;
 * - `GET /media-download/{media-id}`: the bytes (bearer token required, as at Meta).
 * `failNext` makes the next N message sends fail with a status (500, 429, 400…).
 */
export interface GraphApiServer {
  /** What WHATSAPP_CLOUD_API_BASE should be: `http://127.0.0.1:<port>/v21.0`. */
  base: string;
  token: string;
  phoneNumberId: string;
  /** Messages accepted, in arrival order. */
  messages: PostedMessage[];
  /** "Mark as read" calls: the message id and whether "typing…" was asked for. */
  reads: Array<{ messageId: string; typing: boolean }>;
  /** Requests of any kind answered 401 for a missing or wrong token. */
  unauthorized: number;
  /** Media downloads served. */
  downloads: number;
  /** Media downloads wait this long before answering (a slow CDN). */
  downloadDelayMs: number;
  /** Registers a file a citizen "sent"; returns its media id. */
  addMedia(data: Buffer, mimeType: string): string;
  /** The next `times` message sends fail with `status` (and a Graph error `code`), after `after` more succeed. */
  failNext(status: number, times?: number, code?: number, after?: number): void;
  /** The next `times` media lookups (`GET /{media-id}`) fail with `status`. */
  failMediaNext(status: number, times?: number): void;
  /** Sends to this recipient fail with 400, Graph error 131030 (not a valid WhatsApp user / not allowed). */
  rejectRecipient(waId: string): void;
  /** Messages to one recipient; texts of text, interactive and template messages. */
  textsTo(waId: string): string[];
  close(): Promise<void>;
}

type Failure = { status: number; code: number };

export async function startGraphApiServer(opts: GraphApiServerOptions = {}): Promise<GraphApiServer> {
  const token = opts.token ?? 'test-graph-token';
  const phoneNumberId = opts.phoneNumberId ?? '1234567890';
  const version = opts.version ?? 'v21.0';
  const media = new Map<string, { data: Buffer; mimeType: string }>();
  // `undefined` lets one send through before the failures queued behind it.
  const failures: Array<Failure | undefined> = [];
  const mediaFailures: number[] = [];
  const rejected = new Set<string>();
  let origin = '';

  const state: GraphApiServer = {
    base: '',
    token,
    phoneNumberId,
    messages: [],
    reads: [],
    unauthorized: 0,
    downloads: 0,
    downloadDelayMs: 0,
    addMedia(data, mimeType) {
      const id = String(10 ** 15 + Math.floor(Math.random() * 10 ** 15));
      media.set(id, { data, mimeType });
      return id;
    },
    failNext(status, times = 1, code = status === 429 ? 130429 : 131000, after = 0) {
      for (let i = 0; i < after; i++) failures.push(undefined);
      for (let i = 0; i < times; i++) failures.push({ status, code });
    },
    failMediaNext(status, times = 1) {
      for (let i = 0; i < times; i++) mediaFailures.push(status);
    },
    rejectRecipient(waId) {
      rejected.add(waId);
    },
    textsTo(waId) {
      return state.messages.filter((m) => m.to === waId).map((m) => textOfMessage(m.body));
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => graphError(res, 500, 1, String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${token}`) {
      state.unauthorized++;
      return graphError(res, 401, 190, 'Invalid OAuth access token.');
    }
    const url = new URL(req.url ?? '/', origin);
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'POST' && parts.length === 3 && parts[0] === version && parts[2] === 'messages') {
      if (parts[1] !== phoneNumberId) return graphError(res, 400, 100, 'Unsupported post request: unknown phone number id');
      return postMessage(JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, any>, res);
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === version) {
      const failure = mediaFailures.shift();
      if (failure !== undefined) return graphError(res, failure, 131000, 'simulated failure');
      const file = media.get(parts[1]!);
      if (!file) return graphError(res, 404, 100, 'Unsupported get request: unknown media id');
      return json(res, 200, {
        messaging_product: 'whatsapp',
        url: `${origin}/media-download/${parts[1]}?token=${randomBytes(6).toString('hex')}`,
        mime_type: file.mimeType,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        file_size: file.data.length,
        id: parts[1],
      });
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'media-download') {
      const file = media.get(parts[1]!);
      if (!file) return graphError(res, 404, 100, 'no such media');
      if (state.downloadDelayMs > 0) await new Promise((r) => setTimeout(r, state.downloadDelayMs));
      state.downloads++;
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) }).end(file.data);
      return;
    }
    graphError(res, 404, 100, 'Unknown path');
  }

  function postMessage(body: Record<string, any>, res: ServerResponse): void {
    if (body.messaging_product !== 'whatsapp') return graphError(res, 400, 100, 'messaging_product must be whatsapp');
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string') return graphError(res, 400, 100, 'message_id is required');
      state.reads.push({ messageId: body.message_id, typing: body.typing_indicator?.type === 'text' });
      return json(res, 200, { success: true });
    }
    const failure = failures.shift();
    if (failure) return graphError(res, failure.status, failure.code, 'simulated failure');
    const to = String(body.to ?? '');
    if (!/^\d{6,15}$/.test(to)) return graphError(res, 400, 100, 'Invalid parameter: to');
    if (rejected.has(to)) return graphError(res, 400, 131030, 'Recipient phone number not in allowed list');
    const invalid = invalidity(body);
    if (invalid) return graphError(res, 400, 100, `Invalid parameter: ${invalid}`);
    const wamid = `wamid.${randomBytes(18).toString('base64url')}`;
    state.messages.push({ wamid, to, type: String(body.type), body });
    json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid }] });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.base = `${origin}/${version}`;
  return state;
}

const chars = (s: unknown): number => (typeof s === 'string' ? Array.from(s).length : -1);

/** The first broken rule of Meta's message limits, or undefined when the message is valid. */
function invalidity(body: Record<string, any>): string | undefined {
  switch (body.type) {
    case 'text':
      return chars(body.text?.body) < 1 || chars(body.text?.body) > 4_096 ? 'text.body must have 1 to 4096 characters' : undefined;
    case 'image':
      return typeof body.image?.link !== 'string' || !/^https?:\/\//.test(body.image.link) ? 'image.link must be a URL' : undefined;
    case 'document':
      if (typeof body.document?.link !== 'string' || !/^https?:\/\//.test(body.document.link)) return 'document.link must be a URL';
      return chars(body.document?.filename) < 1 ? 'document.filename' : undefined;
    case 'template': {
      const params: any[] = body.template?.components?.[0]?.parameters ?? [];
      if (typeof body.template?.name !== 'string' || typeof body.template?.language?.code !== 'string') return 'template.name and language.code';
      // Meta: "Param text cannot have new-line/tab characters or more than 4 consecutive spaces" (error 132018).
      return params.some((p) => /[\n\t]| {5,}/.test(String(p.text))) ? 'template parameter with new lines or tabs' : undefined;
    }
    case 'interactive':
      return interactiveInvalidity(body.interactive);
    default:
      return `type ${String(body.type)}`;
  }
}

function interactiveInvalidity(i: any): string | undefined {
  const bodyLength = chars(i?.body?.text);
  if (i?.type === 'button') {
    const buttons: any[] = i.action?.buttons ?? [];
    if (bodyLength < 1 || bodyLength > 1_024) return 'interactive.body.text must have 1 to 1024 characters';
    if (buttons.length < 1 || buttons.length > 3) return 'interactive buttons: 1 to 3';
    if (buttons.some((b) => chars(b.reply?.title) < 1 || chars(b.reply?.title) > 20)) return 'button title: 1 to 20 characters';
    if (buttons.some((b) => chars(b.reply?.id) < 1 || chars(b.reply?.id) > 256)) return 'button id: 1 to 256 characters';
    return new Set(buttons.map((b) => b.reply.id)).size === buttons.length ? undefined : 'button ids must be unique';
  }
  if (i?.type === 'list') {
    const rows: any[] = (i.action?.sections ?? []).flatMap((s: any) => s.rows ?? []);
    if (bodyLength < 1 || bodyLength > 4_096) return 'interactive.body.text must have 1 to 4096 characters';
    if (chars(i.action?.button) < 1 || chars(i.action?.button) > 20) return 'list button: 1 to 20 characters';
    if (rows.length < 1 || rows.length > 10) return 'list rows: 1 to 10';
    if (rows.some((r) => chars(r.title) < 1 || chars(r.title) > 24)) return 'row title: 1 to 24 characters';
    return new Set(rows.map((r) => r.id)).size === rows.length ? undefined : 'row ids must be unique';
  }
  if (i?.type === 'cta_url') {
    // https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-cta-url-messages
    const p = i.action?.parameters;
    if (bodyLength < 1 || bodyLength > 1_024) return 'interactive.body.text must have 1 to 1024 characters';
    if (i.action?.name !== 'cta_url') return 'action.name must be cta_url';
    if (chars(p?.display_text) < 1 || chars(p?.display_text) > 20) return 'display_text: 1 to 20 characters';
    return typeof p?.url === 'string' && /^https?:\/\//.test(p.url) ? undefined : 'parameters.url must be a URL';
  }
  return 'interactive.type';
}

/** The words of a message as the citizen would read them. */
export function textOfMessage(body: Record<string, any>): string {
  if (body.type === 'text') return String(body.text?.body ?? '');
  if (body.type === 'interactive') return String(body.interactive?.body?.text ?? '');
  if (body.type === 'template') return String(body.template?.components?.[0]?.parameters?.[0]?.text ?? '');
  if (body.type === 'image') return String(body.image?.caption ?? '');
  return '';
}

/** The options of an interactive message: `{ id, title }` of its buttons or list rows. */
export function optionsOf(body: Record<string, any>): Array<{ id: string; title: string }> {
  const i = body.interactive;
  if (i?.type === 'button') return (i.action.buttons as any[]).map((b) => ({ id: b.reply.id, title: b.reply.title }));
  if (i?.type === 'list') return (i.action.sections as any[]).flatMap((s) => s.rows as Array<{ id: string; title: string }>);
  return [];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function graphError(res: ServerResponse, status: number, code: number, message: string): void {
  json(res, status, { error: { message, type: 'OAuthException', code, fbtrace_id: randomBytes(6).toString('hex') } });
}
