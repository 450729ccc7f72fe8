import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One attribute of a service definition, as the server publishes it. */
export interface GeoReportServerAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  values?: Array<{ key: string; name: string }>;
  /** false: a notice, not a question (GeoReport's informational attribute). Default true. */
  variable?: boolean;
}

/** A service the server offers. `type: 'batch'` answers POSTs with a token. */
export interface GeoReportServerService {
  service_code: string;
  service_name: string;
  description: string;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
  attributes?: GeoReportServerAttribute[];
}

/** A request as the server stores it: what GET returns plus what only the back office sees. */
export interface StoredRequest {
  /** Undefined while a token has not been processed: such a request is invisible to GET requests. */
  service_request_id?: string;
  token?: string;
  status: 'open' | 'closed';
  status_notes?: string;
  service_code: string;
  service_name: string;
  description?: string;
  agency_responsible?: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  address?: string;
  lat?: number;
  long?: number;
  media_url?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  device_id?: string;
  jurisdiction_id?: string;
  attributes: Record<string, string | string[]>;
  idempotencyKey?: string;
}

export interface GeoReportServerOptions {
  /** @defaultValue 'test-open311-key' */
  apiKey?: string;
  /** Required on every call when set; `null` turns the check off. @defaultValue 'alumbra.test' */
  jurisdictionId?: string | null;
  /** @defaultValue DEFAULT_SERVICES */
  services?: GeoReportServerService[];
}

/**
 * A local Open311 GeoReport v2 server (node:http, 127.0.0.1, port 0) strict where real ones are:
 * JSON and XML on every endpoint, `api_key` on POST (403), `jurisdiction_id` (400 missing, 404
 * unknown), 400s for a missing or unknown service_code, a missing location or a bad attribute,
 * error bodies in the spec's shape. By default it ignores `Idempotency-Key`, like most real servers.
 *
 * Fault switches let tests reproduce what makes submission hard: `slow`, `timeoutAfterCreate`,
 * `fail5xx` (before or after creating), `down`/`up`; `requests` counts what was really created.
 */
export interface GeoReportServer {
  /** Base URL to give the client: `http://127.0.0.1:<port>/open311/v2`. */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly jurisdictionId: string | undefined;
  /** Every request created, in order (pending tokens included): assert exactly-once on its length. */
  readonly requests: StoredRequest[];
  /** Every call received: method, path with extension, the Idempotency-Key header. */
  readonly calls: Array<{ method: string; path: string; idempotencyKey?: string }>;
  /** POSTs to requests received (whatever their outcome). */
  readonly posts: number;
  /** Changes a request's status as a back-office clerk would. */
  setStatus(id: string, status: 'open' | 'closed', notes?: string, agency?: string): void;
  /** All POSTs answer a token that resolves after `pendingGets` GETs of tokens/{token}. */
  useTokens(pendingGets?: number): void;
  /** Answer a repeated Idempotency-Key with the first answer instead of creating again. */
  honourIdempotencyKey(on?: boolean): void;
  /** Every answer waits `ms` first (0 turns it off). */
  slow(ms: number): void;
  /** The next `n` POSTs create their request, then never answer (or answer after `answerAfterMs`). */
  timeoutAfterCreate(n?: number, answerAfterMs?: number): void;
  /** The next `n` calls answer `status` (503); with `afterCreate`, the next `n` POSTs create first. */
  fail5xx(n?: number, opts?: { status?: number; afterCreate?: boolean }): void;
  /** Every call answers 503 (`'503'`), or the port refuses connections (`'refuse'`). */
  down(mode?: '503' | 'refuse'): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Services named like config/catalog.yaml's connector codes; `calles` has attributes (a notice and a datetime among them), `higiene` is batch. */
export const DEFAULT_SERVICES: GeoReportServerService[] = [
  { service_code: 'alumbrado', service_name: 'Alumbrado público', description: 'Farolas apagadas o dañadas', type: 'realtime', keywords: 'farola, luz', group: 'Vía pública' },
  {
    service_code: 'calles', service_name: 'Calles y aceras', description: 'Baches, aceras rotas', type: 'realtime', keywords: 'bache,acera', group: 'Vía pública',
    attributes: [
      { code: 'peligro', datatype: 'singlevaluelist', required: true, description: '¿Hay peligro inmediato?', values: [{ key: 'si', name: 'Sí' }, { key: 'no', name: 'No' }] },
      { code: 'tamano', datatype: 'number', required: false, description: 'Tamaño aproximado (cm)' },
      { code: 'afecta', datatype: 'multivaluelist', required: false, description: 'A quién afecta', values: [{ key: 'peatones', name: 'Peatones' }, { key: 'coches', name: 'Coches' }] },
      { code: 'plazo', datatype: 'string', required: false, variable: false, description: 'Los baches con peligro se tapan en 48 horas.' },
      { code: 'desde', datatype: 'datetime', required: true, description: '¿Desde cuándo está?' },
    ],
  },
  { service_code: 'agua', service_name: 'Agua', description: 'Fugas y averías', type: 'realtime', keywords: 'fuga', group: 'Servicios' },
  { service_code: 'higiene', service_name: 'Limpieza', description: 'Basura y limpieza', type: 'batch', keywords: 'basura', group: 'Servicios' },
];

const ITEM_OF: Record<string, string> = { services: 'service', service_requests: 'request', errors: 'error', attributes: 'attribute', values: 'value' };
type Format = 'json' | 'xml';
type Answer = { status: number; body: unknown; root: string };
/** An error answer thrown out of validation, so each check reads as one line. */
class HttpFault extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.status}`);
  }
}

export async function startGeoReportServer(opts: GeoReportServerOptions = {}): Promise<GeoReportServer> {
  const apiKey = opts.apiKey ?? 'test-open311-key';
  const jurisdictionId = opts.jurisdictionId === null ? undefined : (opts.jurisdictionId ?? 'alumbra.test');
  const services = opts.services ?? DEFAULT_SERVICES;
  const requests: StoredRequest[] = [];
  const calls: GeoReportServer['calls'] = [];
  const tokenGets = new Map<string, number>();
  const byKey = new Map<string, Answer>();
  const sockets = new Set<ServerResponse>();
  let nextId = 1001;
  let posts = 0;
  let tokensAfter: number | undefined;
  let honourKeys = false;
  let slowMs = 0;
  let hangs: Array<number | undefined> = [];
  const failCalls: number[] = [];
  const failAfterCreate: number[] = [];
  let down503 = false;

  const server = createServer((req, res) => {
    sockets.add(res);
    res.on('close', () => sockets.delete(res));
    handle(req, res).catch((err: unknown) => send(res, 'json', errorAnswer(500, `server bug: ${String(err)}`)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/open311\/v2\/(.+)\.(json|xml)$/.exec(url.pathname);
    const key = req.headers['idempotency-key'];
    calls.push({ method: req.method ?? '', path: url.pathname, idempotencyKey: typeof key === 'string' ? key : undefined });
    const body = await readBody(req);
    if (!m) return send(res, 'json', errorAnswer(404, `no route ${url.pathname}`));
    const resource = m[1] ?? '';
    const format: Format = m[2] === 'xml' ? 'xml' : 'json';
    if (req.method === 'POST' && resource === 'requests') posts++;
    if (slowMs) await sleep(slowMs);
    if (down503) return send(res, format, errorAnswer(503, 'Service temporarily unavailable'));
    const failWith = failCalls.shift();
    if (failWith !== undefined) return send(res, format, errorAnswer(failWith, 'Service temporarily unavailable'));
    try {
      if (req.method === 'POST' && resource === 'requests') return await post(res, format, new URLSearchParams(body), typeof key === 'string' ? key : undefined);
      if (req.method !== 'GET') throw fault(405, `${req.method} not allowed`);
      checkJurisdiction(url.searchParams.get('jurisdiction_id'));
      send(res, format, get(resource, url.searchParams));
    } catch (err) {
      if (!(err instanceof HttpFault)) throw err;
      send(res, format, err.answer);
    }
  }

  function get(resource: string, q: URLSearchParams): Answer {
    if (resource === 'services') return ok('services', services.map(({ attributes, ...s }) => ({ ...s, metadata: Boolean(attributes?.length) })));
    const [kind, id, extra] = resource.split('/').map(decodeURIComponent);
    if (kind === 'services' && id && !extra) {
      const s = services.find((x) => x.service_code === id) ?? notFound(`service_code ${id} not found`);
      const attributes = (s.attributes ?? []).map((a, i) => ({ variable: true, ...a, datatype_description: null, order: i + 1, values: a.values ?? [] }));
      return ok('service_definition', { service_code: s.service_code, attributes });
    }
    if (kind === 'requests' && id === undefined) return ok('service_requests', search(q).map(publicView));
    if (kind === 'requests' && id && !extra) {
      const r = requests.find((x) => x.service_request_id === id) ?? notFound(`service_request_id ${id} not found`);
      return ok('service_requests', [publicView(r)]);
    }
    if (kind === 'tokens' && id && !extra) return ok('service_requests', [tokenView(id)]);
    return notFound(`no resource ${resource}`);
  }

  function search(q: URLSearchParams): StoredRequest[] {
    const ids = q.get('service_request_id')?.split(',').filter(Boolean);
    const start = date(q.get('start_date'), Date.now() - 90 * 86_400_000);
    const end = date(q.get('end_date'), Date.now() + 60_000);
    if (end - start > 90 * 86_400_000) throw fault(400, 'start_date and end_date may not span more than 90 days');
    return requests.filter((r) => r.service_request_id !== undefined && (ids
      ? ids.includes(r.service_request_id)
      : (!q.get('service_code') || r.service_code === q.get('service_code')) && (!q.get('status') || r.status === q.get('status'))
        && Date.parse(r.requested_datetime) >= start && Date.parse(r.requested_datetime) <= end));
  }

  function tokenView(token: string): Record<string, unknown> {
    const r = requests.find((x) => x.token === token) ?? notFound(`token ${token} not found`);
    const seen = (tokenGets.get(token) ?? 0) + 1;
    tokenGets.set(token, seen);
    // Processed after `tokensAfter` pending answers: only now does the request get an id.
    if (r.service_request_id === undefined && seen > (tokensAfter ?? 1)) r.service_request_id = String(nextId++);
    return { service_request_id: r.service_request_id ?? null, token };
  }

  async function post(res: ServerResponse, format: Format, form: URLSearchParams, key: string | undefined): Promise<void> {
    if (form.get('api_key') !== apiKey) throw fault(403, 'Invalid api_key');
    checkJurisdiction(form.get('jurisdiction_id'));
    const remembered = honourKeys && key ? byKey.get(key) : undefined;
    if (remembered) return send(res, format, remembered);
    const stored = validate(form);
    const service = services.find((s) => s.service_code === stored.service_code);
    if (service?.type === 'batch' || tokensAfter !== undefined) stored.token = `tok-${requests.length + 1}`;
    else stored.service_request_id = String(nextId++);
    requests.push(stored);
    const answer = ok('service_requests', [{ service_request_id: stored.service_request_id, token: stored.token, service_notice: stored.service_notice, account_id: null }]);
    if (key) byKey.set(key, answer);
    const failWith = failAfterCreate.shift();
    if (failWith !== undefined) return send(res, format, errorAnswer(failWith, 'Gateway timeout'));
    if (hangs.length) {
      const after = hangs.shift();
      if (after === undefined) return; // never answers; close() drops the socket
      await sleep(after);
    }
    send(res, format, answer);
  }

  function validate(form: URLSearchParams): StoredRequest {
    const code = form.get('service_code') || fault(400, 'service_code was not provided');
    const service = services.find((s) => s.service_code === code) ?? fault(400, `service_code ${code} not found`);
    const lat = form.get('lat'), long = form.get('long');
    if ((lat === null) !== (long === null)) throw fault(400, 'lat and long must be sent together');
    if (lat !== null && (!isCoordinate(lat, 90) || !isCoordinate(long ?? '', 180))) throw fault(400, 'lat/long out of range');
    if (lat === null && !form.get('address_string') && !form.get('address_id')) throw fault(400, 'A location is required: lat/long, address_string or address_id');
    const description = form.get('description') ?? undefined;
    if (description && description.length > 4000) throw fault(400, 'description is longer than 4000 characters');
    const now = isoNow();
    return {
      status: 'open', service_code: code, service_name: service.service_name, description,
      service_notice: `${service.service_name}: se revisará en 48 horas`, requested_datetime: now, updated_datetime: now,
      address: form.get('address_string') ?? undefined, lat: lat === null ? undefined : Number(lat), long: long === null ? undefined : Number(long),
      media_url: form.get('media_url') ?? undefined, email: form.get('email') ?? undefined, first_name: form.get('first_name') ?? undefined,
      last_name: form.get('last_name') ?? undefined, phone: form.get('phone') ?? undefined, device_id: form.get('device_id') ?? undefined,
      jurisdiction_id: form.get('jurisdiction_id') ?? undefined, attributes: attributesOf(service, form),
    };
  }

  function checkJurisdiction(given: string | null): void {
    if (jurisdictionId === undefined) return;
    if (!given) throw fault(400, 'jurisdiction_id was not provided');
    if (given !== jurisdictionId) throw fault(404, `jurisdiction_id ${given} not found`);
  }

  await listen(server, 0);
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}/open311/v2`,
    apiKey, jurisdictionId, requests, calls,
    get posts() { return posts; },
    setStatus(id, status, notes, agency) {
      const r = requests.find((x) => x.service_request_id === id);
      if (!r) throw new Error(`no request ${id}`);
      Object.assign(r, { status, status_notes: notes, agency_responsible: agency ?? r.agency_responsible, updated_datetime: isoNow() });
    },
    useTokens(pendingGets = 1) { tokensAfter = pendingGets; },
    honourIdempotencyKey(on = true) { honourKeys = on; },
    slow(ms) { slowMs = ms; },
    timeoutAfterCreate(n = 1, answerAfterMs) { hangs = [...hangs, ...Array<number | undefined>(n).fill(answerAfterMs)]; },
    fail5xx(n = 1, o = {}) { (o.afterCreate ? failAfterCreate : failCalls).push(...Array<number>(n).fill(o.status ?? 503)); },
    async down(mode = '503') {
      if (mode === '503') { down503 = true; return; }
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    },
    async up() {
      down503 = false;
      if (!server.listening) await listen(server, port);
    },
    async close() {
      for (const res of sockets) res.destroy();
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function attributesOf(service: GeoReportServerService, form: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const a of service.attributes ?? []) {
    if (a.variable === false) continue; // a notice: nothing to answer
    const values = a.datatype === 'multivaluelist' ? form.getAll(`attribute[${a.code}][]`) : form.getAll(`attribute[${a.code}]`);
    if (values.length === 0) {
      if (a.required) throw fault(400, `attribute[${a.code}] is required`);
      continue;
    }
    const keys = a.values?.map((v) => v.key);
    if (keys && values.some((v) => !keys.includes(v))) throw fault(400, `attribute[${a.code}] must be one of ${keys.join(', ')}`);
    if (a.datatype === 'number' && values.some((v) => !Number.isFinite(Number(v)))) throw fault(400, `attribute[${a.code}] must be a number`);
    // W3C datetime with an offset, as GeoReport v2 servers parse it.
    if (a.datatype === 'datetime' && values.some((v) => !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v)))) throw fault(400, `attribute[${a.code}] must be a W3C datetime`);
    out[a.code] = a.datatype === 'multivaluelist' ? values : (values[0] ?? '');
  }
  return out;
}

/** The fields GET requests shows: the spec's list, not the citizen's contact details. */
function publicView(r: StoredRequest): Record<string, unknown> {
  return {
    service_request_id: r.service_request_id, status: r.status, status_notes: r.status_notes ?? null, service_name: r.service_name,
    service_code: r.service_code, description: r.description ?? null, agency_responsible: r.agency_responsible ?? null,
    service_notice: r.service_notice, requested_datetime: r.requested_datetime, updated_datetime: r.updated_datetime,
    expected_datetime: null, address: r.address ?? null, address_id: null, zipcode: null, lat: r.lat ?? null, long: r.long ?? null,
    media_url: r.media_url ?? null,
  };
}

const ok = (root: string, body: unknown): Answer => ({ status: 200, body, root });
const errorAnswer = (status: number, description: string): Answer => ({ status, body: [{ code: status, description }], root: 'errors' });
const fault = (status: number, description: string): never => { throw new HttpFault(errorAnswer(status, description)); };
const notFound = (description: string): never => fault(404, description);
const isCoordinate = (v: string, max: number) => v.trim() !== '' && Number.isFinite(Number(v)) && Math.abs(Number(v)) <= max;
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function date(value: string | null, fallback: number): number {
  if (!value) return fallback;
  const at = Date.parse(value);
  return Number.isNaN(at) ? fault(400, `invalid date ${value}`) : at;
}

function send(res: ServerResponse, format: Format, answer: Answer): void {
  if (res.destroyed || res.headersSent) return; // the client gave up while we waited
  const text = format === 'json'
    ? JSON.stringify(answer.body)
    : `<?xml version="1.0" encoding="utf-8"?>\n${xml(answer.root, answer.body)}`;
  res.writeHead(answer.status, { 'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8' });
  res.end(text);
}

/** Written apart from the client's XML code on purpose: one shared bug would hide itself. */
function xml(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xml(ITEM_OF[name] ?? 'item', v)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xml(k, v)).join('')}</${name}>`;
  const escaped = String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<${name}>${escaped}</${name}>`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
}
