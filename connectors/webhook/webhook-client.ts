import { z } from 'zod';
import { ConnectorUnavailableError, TicketRejectedError } from '../../bot/errors';
import type { BackOffice, ExternalStatus, ExternalTicket, Submitted } from '../back-office';
import { TICKET_STATES } from '../connector';
import { SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from './webhook-signature';

/**
 * # The signed webhook protocol (what a city implements)
 *
 * Every request, both ways, carries `X-Timestamp: <unix seconds>` and
 * `X-Signature: sha256=<hex HMAC-SHA256(WEBHOOK_SECRET, "<timestamp>.<raw body>")>`. A receiver checks
 * the timestamp is within ±300 s of its clock, compares the signature in constant time, and refuses a
 * signature it has already accepted.
 *
 * **New ticket** (bot → city): `POST WEBHOOK_URL`, `Content-Type: application/json`,
 * `User-Agent: citybot-webhook/1`, `Idempotency-Key: <key>`, body
 * `{ "event": "ticket.created", "ticket": ExternalTicket }`. A retry carries the same key (and a new
 * timestamp); the city must answer the same id for the same key. Answers:
 * - `200`/`201` `{ "id": "<their id>", "status"?: TicketState }` (`external_id` or `externalId` also
 *   accepted for `id`; a number is read as its decimal string);
 * - `409` with an `id`: "already have it", read as success;
 * - any other `4xx` (but 408/425/429): refused for good, with the reason from a JSON `error` or `message`;
 * - `5xx`, 408/425/429, a redirect, a network error or no answer within the timeout: tried again later.
 *
 * **Status** (bot → city, optional): `GET WEBHOOK_URL/{id}`, signed over an empty body, answers
 * `{ "id", "status": TicketState, "note"?, "updatedAt"? }`; 404, 405 and 501 mean "unknown" (a city
 * that only pushes updates need not implement it).
 *
 * **Status update** (city → bot): `POST <PUBLIC_URL>/connectors/webhook/status`, see status-receiver.ts.
 */
export interface WebhookClientOptions {
  /** WEBHOOK_URL: where tickets are POSTed; `{url}/{id}` answers status. */
  url: string;
  /** WEBHOOK_SECRET: shared with the city, signs every request. */
  secret: string;
  /** How long to wait for a whole answer. @defaultValue 10_000 */
  timeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch, for `X-Timestamp`. @defaultValue Date.now */
  clock?: () => number;
}

const USER_AGENT = 'citybot-webhook/1';
const externalIdSchema = z.union([z.string().trim().min(1).max(200), z.number().int().nonnegative()]).transform(String);
const createdSchema = z.object({ id: externalIdSchema.optional(), external_id: externalIdSchema.optional(), externalId: externalIdSchema.optional() });
const statusSchema = z.object({
  status: z.enum(TICKET_STATES),
  note: z.string().optional(),
  agency: z.string().optional(),
  updatedAt: z.string().optional(),
});
// 4xx answers that mean "not now" rather than "never": retrying them is what the city asks for.
const TRANSIENT_4XX = new Set([408, 425, 429]);
const NOT_IMPLEMENTED = new Set([404, 405, 501]);

/**
 * A city's back office reached by signed JSON webhooks (the protocol above).
 *
 * @example
 * const backOffice = new WebhookClient({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET });
 * const { externalId } = await backOffice.submit(ticket, jobId); // same jobId on retry: same externalId
 */
export class WebhookClient implements BackOffice {
  readonly kind = 'webhook' as const;
  private readonly url: string;
  /** For error messages: the host only, since a city may put a token in the URL's path or query. */
  private readonly host: string;
  private readonly secret: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly clock: () => number;

  constructor(options: WebhookClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.host = new URL(this.url).host; // also fails fast on a URL that is not one
    this.secret = options.secret;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? Date.now;
  }

  /** POSTs `ticket.created`; idempotent on `key` because the city keys its tickets by `Idempotency-Key`. */
  async submit(ticket: ExternalTicket, key: string): Promise<Submitted> {
    const body = JSON.stringify({ event: 'ticket.created', ticket });
    const { status, json } = await this.call('POST', this.url, body, { 'content-type': 'application/json', 'idempotency-key': key });
    const created = createdSchema.safeParse(json);
    const externalId = created.success ? (created.data.id ?? created.data.external_id ?? created.data.externalId) : undefined;
    if (((status >= 200 && status < 300) || status === 409) && externalId !== undefined) return { externalId };
    // A 2xx without an id may hide a created ticket: retrying with the same key is safe and finds it.
    if (status >= 200 && status < 300) throw new ConnectorUnavailableError(`webhook back office answered ${status} without a ticket id`);
    throw this.failure(status, json, 'refused the ticket');
  }

  /** GETs `{url}/{externalId}`; undefined when the city does not know the ticket or has no such route. */
  async status(externalId: string): Promise<ExternalStatus | undefined> {
    const { status, json } = await this.call('GET', `${this.url}/${encodeURIComponent(externalId)}`, '', { accept: 'application/json' });
    if (NOT_IMPLEMENTED.has(status)) return undefined;
    if (status < 200 || status >= 300) throw this.failure(status, json, 'refused a status query');
    const parsed = statusSchema.safeParse(json);
    if (!parsed.success) throw new ConnectorUnavailableError(`webhook back office answered an unreadable status for ${externalId}`, { cause: parsed.error });
    return { externalId, ...parsed.data };
  }

  /** One signed request; network failures and timeouts become ConnectorUnavailableError. */
  private async call(method: 'GET' | 'POST', url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
    const timestamp = Math.floor(this.clock() / 1000);
    try {
      const res = await this.fetch(url, {
        method,
        body: method === 'POST' ? body : undefined,
        headers: { ...headers, 'user-agent': USER_AGENT, [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: sign(this.secret, timestamp, body) },
        // A redirect would carry a signed ticket (with the citizen's contact) wherever it points; we follow none.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: res.status, json: parseJson(await res.text()) };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const why = timedOut ? `did not answer within ${this.timeoutMs} ms` : 'could not be reached';
      throw new ConnectorUnavailableError(`webhook back office at ${this.host} ${why}`, { cause: err });
    }
  }

  private failure(status: number, json: unknown, what: string): Error {
    if (status >= 300 && status < 400) return new ConnectorUnavailableError(`webhook back office redirected (HTTP ${status}): point WEBHOOK_URL at the final address`);
    const reason = reasonOf(json);
    const message = `webhook back office ${what} (HTTP ${status})${reason ? `: ${reason}` : ''}`;
    const retryable = status >= 500 || status < 400 || TRANSIENT_4XX.has(status);
    return retryable ? new ConnectorUnavailableError(message) : new TicketRejectedError(message);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // not JSON (an HTML error page): the status code alone decides
  }
}

/** The city's own words: `error` (a string, or an object with `message`) or `message`; capped for logs. */
function reasonOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, message } = json as { error?: unknown; message?: unknown };
  const nested = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  const reason = [error, nested, message].find((r): r is string => typeof r === 'string' && r.trim() !== '');
  return reason?.trim().slice(0, 300);
}
