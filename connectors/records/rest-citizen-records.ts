import { z } from 'zod';
import { ConnectorUnavailableError } from '../../bot/errors';
import type { CensusRecord, CertificateRequest, CitizenRecords, RecordItem, RecordKind, VerifiedCitizen } from './citizen-records';

/**
 * # The citizen-records REST protocol (what a city implements; docs/openapi/citizen-records.yaml)
 *
 * Every request carries `Authorization: Bearer <RECORDS_TOKEN>`, `Accept-Language: es|ca|en` and the
 * verified identifier in the `Citizen-Identifier` header — never in the URL, which proxies and access
 * logs keep.
 * - `GET {RECORDS_URL}/records/{kind}` (`procedures`, `notifications`, `fines`, `tax-receipts`) →
 *   `200 { "items": RecordItem[] }`; `404`: the city does not know this citizen (no records).
 * - `GET {RECORDS_URL}/census` → `200 CensusRecord`; `404`: not registered.
 * - `POST {RECORDS_URL}/census/certificate-requests` with `Idempotency-Key` → `201`/`200 CertificateRequest`.
 * Anything else (5xx, 401/403, a redirect, no answer within the timeout, a body that does not match)
 * is "unavailable": the bot says so and shows nothing.
 */
export interface RestCitizenRecordsOptions {
  /** RECORDS_URL: the base of the city's records API. */
  url: string;
  /** RECORDS_TOKEN: the bearer token the city issued to the bot. */
  token: string;
  /** How long to wait for a whole answer. @defaultValue 8_000 */
  timeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

const USER_AGENT = 'citybot-records/1';
const MAX_ITEMS = 50;
const text = (max: number) => z.string().trim().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/ });
const itemSchema = z.object({
  id: text(200),
  title: text(300),
  state: text(200).optional(),
  date: text(40).optional(),
  dueDate: text(40).optional(),
  amount: z.object({ value: z.number().finite(), currency: z.string().regex(/^[A-Z]{3}$/) }).optional(),
  url: httpUrl,
});
// More than a chat can show is cut here: the link to the electronic office has the rest.
const listSchema = z.object({ items: z.array(itemSchema).transform((items) => items.slice(0, MAX_ITEMS)) });
const censusSchema = z.object({ address: text(300), since: text(40).optional(), householdSize: z.number().int().nonnegative().optional(), url: httpUrl });
const certificateSchema = z.object({ id: text(200), status: z.enum(['requested', 'issued']), url: httpUrl });

/**
 * A city's records reached over its REST API (the protocol above).
 *
 * @example
 * const records = new RestCitizenRecords({ url: config.RECORDS_URL, token: config.RECORDS_TOKEN });
 * const fines = await records.list({ identifier }, 'fines', 'es');
 */
export class RestCitizenRecords implements CitizenRecords {
  private readonly url: string;
  /** For error messages: the host only. */
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: RestCitizenRecordsOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.host = new URL(this.url).host; // also fails fast on a URL that is not one
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async list(citizen: VerifiedCitizen, kind: RecordKind, locale: string): Promise<RecordItem[]> {
    const { status, json } = await this.call('GET', `/records/${kind}`, citizen, locale);
    if (status === 404) return [];
    return this.read(status, json, listSchema, `its ${kind}`).items.map(withoutUndefined);
  }

  async census(citizen: VerifiedCitizen, locale: string): Promise<CensusRecord | undefined> {
    const { status, json } = await this.call('GET', '/census', citizen, locale);
    if (status === 404) return undefined;
    return withoutUndefined(this.read(status, json, censusSchema, 'the census entry'));
  }

  async requestCensusCertificate(citizen: VerifiedCitizen, key: string, locale: string): Promise<CertificateRequest> {
    const { status, json } = await this.call('POST', '/census/certificate-requests', citizen, locale, key);
    return this.read(status, json, certificateSchema, 'a census certificate request');
  }

  /** The answer when it is a 2xx matching `schema`; ConnectorUnavailableError otherwise. */
  private read<S extends z.ZodType>(status: number, json: unknown, schema: S, what: string): z.infer<S> {
    if (status < 200 || status >= 300) {
      const hint = status === 401 || status === 403 ? ': check RECORDS_TOKEN' : status >= 300 && status < 400 ? ': point RECORDS_URL at the final address' : '';
      throw new ConnectorUnavailableError(`records system at ${this.host} refused ${what} (HTTP ${status})${hint}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ConnectorUnavailableError(`records system at ${this.host} answered ${what} in a shape it does not document`, { cause: parsed.error });
    return parsed.data;
  }

  /** One request; network failures and timeouts become ConnectorUnavailableError. */
  private async call(method: 'GET' | 'POST', path: string, citizen: VerifiedCitizen, locale: string, key?: string): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {
      accept: 'application/json', 'accept-language': locale, 'user-agent': USER_AGENT,
      authorization: `Bearer ${this.options.token}`, 'citizen-identifier': citizen.identifier,
      ...(key ? { 'idempotency-key': key, 'content-type': 'application/json' } : {}),
    };
    try {
      const res = await this.fetch(`${this.url}${path}`, {
        method, headers, ...(method === 'POST' ? { body: '{}' } : {}),
        // A redirect would carry the citizen's identifier and our token wherever it points: none is followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: res.status, json: parseJson(await res.text()) };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new ConnectorUnavailableError(`records system at ${this.host} ${timedOut ? `did not answer within ${this.timeoutMs} ms` : 'could not be reached'}`, { cause: err });
    }
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined; // an HTML error page: the status decides
  }
}

/** Optional fields the city left out stay out (exactOptionalPropertyTypes). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
