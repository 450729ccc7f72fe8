import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExternalTicket } from '../../connectors/back-office';
import type { TicketState } from '../../connectors/connector';

/*
 * The signature is re-implemented here from the protocol text on purpose, not imported from
 * connectors/webhook/webhook-signature.ts: a bug shared by signer and checker would otherwise pass.
 */

/** A ticket the "city" stored, under the Idempotency-Key it came with. */
export interface StoredTicket {
  id: string;
  key: string;
  ticket: ExternalTicket;
  status: TicketState;
  note?: string;
}

/** Every request the receiver saw, signed or not, exactly as received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local "city back office" speaking the webhook connector's protocol (see webhook-client.ts):
 * `POST /tickets` files a ticket, keyed by `Idempotency-Key` (same key: same id, 200 — or 409 with the
 * id when `duplicateStatus` is 409); `GET /tickets/{id}` answers its status (405 when `statusRoute` is
 * off). Unsigned, badly signed or stale requests get 401 and are counted. Fault switches make it fail
 * the way real back offices do.
 */
export interface WebhookReceiver {
  /** What WEBHOOK_URL should be: `http://127.0.0.1:<port>/tickets`. */
  url: string;
  secret: string;
  /** Tickets stored, in creation order. */
  readonly tickets: readonly StoredTicket[];
  /** New tickets stored (repeats of a key do not count). */
  creations: number;
  /** Requests refused with 401. */
  unauthorized: number;
  received: ReceivedRequest[];
  /** How a repeated Idempotency-Key is answered. @defaultValue 200 */
  duplicateStatus: 200 | 409;
  /** When false, `GET /tickets/{id}` answers 405 (a city that only pushes updates). @defaultValue true */
  statusRoute: boolean;
  /** Changes a stored ticket's status (what `GET /tickets/{id}` answers). */
  setStatus(id: string, status: TicketState, note?: string): void;
  /** Every request fails: `'503'` answers 503, `'refuse'` drops each connection as it opens. */
  down(mode?: '503' | 'refuse'): void;
  /** Undoes `down`, `slow` and the queued faults. */
  up(): void;
  /** The next `n` POSTs answer `status` (5xx) without storing anything. */
  fail5xx(n: number, status?: number): void;
  /** Every answer waits `ms` first. */
  slow(ms: number): void;
  /** The next `n` POSTs answer 400 `{ "error": reason }`. */
  reject400(n: number, reason?: string): void;
  /** The next `n` new tickets are stored, but answered only after `lateMs` (past the client's timeout). */
  timeoutAfterCreate(n: number, lateMs?: number): void;
  close(): Promise<void>;
}

const WINDOW_S = 300;

export async function startWebhookReceiver(secret = 'test-webhook-secret'): Promise<WebhookReceiver> {
  const byKey = new Map<string, StoredTicket>();
  const tickets: StoredTicket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let downMode: '503' | 'refuse' | undefined;
  let delayMs = 0;
  let failures: number[] = [];
  let rejections: string[] = [];
  let late: number[] = [];

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  const r: WebhookReceiver = {
    url: '',
    secret,
    tickets,
    creations: 0,
    unauthorized: 0,
    received: [],
    duplicateStatus: 200,
    statusRoute: true,
    setStatus(id, status, note) {
      const t = tickets.find((x) => x.id === id);
      if (!t) throw new Error(`no ticket ${id}`);
      Object.assign(t, { status, note });
    },
    down: (mode = '503') => void (downMode = mode),
    up() {
      downMode = undefined;
      delayMs = 0;
      failures = [];
      rejections = [];
      late = [];
    },
    fail5xx: (n, status = 500) => void failures.push(...Array<number>(n).fill(status)),
    slow: (ms) => void (delayMs = ms),
    reject400: (n, reason = 'unknown service code') => void rejections.push(...Array<string>(n).fill(reason)),
    timeoutAfterCreate: (n, lateMs = 5_000) => void late.push(...Array<number>(n).fill(lateMs)),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A kept-alive socket opened before `down('refuse')` is dropped here instead.
    if (downMode === 'refuse') return void req.socket.destroy();
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    r.received.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (delayMs > 0) await sleep(delayMs);
    if (downMode === '503') return json(res, 503, { error: 'maintenance' });
    if (!signedRight(req.headers, body)) {
      r.unauthorized++;
      return json(res, 401, { error: 'bad signature' });
    }
    if (req.method === 'POST' && path === '/tickets') return create(req, body, res);
    const id = /^\/tickets\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && id !== undefined) return status(decodeURIComponent(id), res);
    json(res, 404, { error: 'no such route' });
  }

  async function create(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const failure = failures.shift();
    if (failure !== undefined) return json(res, failure, { error: 'simulated failure' });
    const rejection = rejections.shift();
    if (rejection !== undefined) return json(res, 400, { error: rejection });
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return json(res, 400, { error: 'Idempotency-Key is required' });
    const parsed = JSON.parse(body) as { event?: unknown; ticket?: ExternalTicket };
    if (parsed.event !== 'ticket.created' || typeof parsed.ticket?.reference !== 'string') return json(res, 400, { error: 'not a ticket.created event' });
    const known = byKey.get(key);
    if (known) return json(res, r.duplicateStatus, { id: known.id, ...(r.duplicateStatus === 409 ? { error: 'duplicate' } : {}) });
    const stored: StoredTicket = { id: `CITY-${1000 + tickets.length}`, key, ticket: parsed.ticket, status: 'open' };
    byKey.set(key, stored);
    tickets.push(stored);
    r.creations++;
    const lateMs = late.shift();
    if (lateMs !== undefined) await sleep(lateMs);
    json(res, 201, { id: stored.id, status: stored.status });
  }

  function status(id: string, res: ServerResponse): void {
    if (!r.statusRoute) return json(res, 405, { error: 'method not allowed' });
    const t = tickets.find((x) => x.id === id);
    if (!t) return json(res, 404, { error: 'unknown ticket' });
    json(res, 200, { id: t.id, status: t.status, ...(t.note === undefined ? {} : { note: t.note }), updatedAt: new Date().toISOString() });
  }

  function signedRight(headers: IncomingHttpHeaders, body: string): boolean {
    const ts = headers['x-timestamp'];
    const sig = headers['x-signature'];
    if (typeof ts !== 'string' || typeof sig !== 'string' || Math.abs(Date.now() / 1000 - Number(ts)) > WINDOW_S) return false;
    const expected = Buffer.from(signature(secret, ts, body));
    const got = Buffer.from(sig);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  server.on('connection', (socket) => {
    if (downMode === 'refuse') socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets`;
  return r;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, written from the protocol text. */
export function signature(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface PushOptions {
  /** Unix seconds to sign with (an old one for stale tests, a fixed one to replay). @defaultValue now */
  timestamp?: number;
  /** Changes the body after signing it (a forgery). */
  tamper?: boolean;
}

/**
 * Signs and POSTs a status update to the bot's `/connectors/webhook/status`, as a city would. An object
 * is sent as `{ event: 'ticket.status', ...update }`; a string is sent as it is (malformed JSON tests).
 * The same update and timestamp give the same bytes and signature, so calling it twice is a replay.
 */
export async function pushStatus(botUrl: string, secret: string, update: object | string, opts: PushOptions = {}): Promise<{ status: number; body: any }> {
  const body = typeof update === 'string' ? update : JSON.stringify({ event: 'ticket.status', ...update });
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${botUrl.replace(/\/+$/, '')}/connectors/webhook/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': String(timestamp), 'x-signature': signature(secret, timestamp, body) },
    body: opts.tamper ? body.replace(/}$/, ',"tampered":true}') : body,
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return; // the client gave up (timeout): nobody to answer
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
