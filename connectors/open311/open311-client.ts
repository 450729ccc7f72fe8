import type { z } from 'zod';
import type { BackOffice, ExternalStatus, ExternalTicket, Submitted } from '../back-office';
import {
  decodeBody, GeoReportSchemas, readAs,
  type GeoReportFormat, type GeoReportRequest, type GeoReportService, type GeoReportServiceDefinition,
} from './georeport-types';
import { ticketForm, type Open311Ticket } from './request-form';
import { SharedLookup } from './shared-lookup';
import { DEFAULT_REJECTED_NOTES, toTicketState } from './status-mapping';
import { GeoReportTransport, type GeoReportCall } from './transport';

export type { Open311Ticket } from './request-form';

/** Options of `Open311Client`. */
export interface Open311ClientOptions {
  /** Base URL of the GeoReport v2 endpoint, e.g. `https://city.example/open311/v2` (no trailing file). */
  endpoint: string;
  /** Sent as `api_key` on `POST requests` only (GETs are public in the spec). Never logged. */
  apiKey?: string;
  /** Sent as `jurisdiction_id` on every call when the endpoint serves several cities. */
  jurisdictionId?: string;
  /** @defaultValue 'json' */
  format?: GeoReportFormat;
  /** Per call, body included. @defaultValue 10_000 */
  timeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * How far before `ticket.createdAt` the duplicate lookup searches, to absorb clock skew and
   * servers that read `start_date` in local time. @defaultValue 86_400_000 (one day)
   */
  lookupMarginMs?: number;
  /** Notes of a `closed` request that mean "rejected" rather than "resolved". @defaultValue DEFAULT_REJECTED_NOTES */
  rejectedNotes?: RegExp;
}

/** Query of `GET requests`. Dates go out in W3C format (`2026-01-05T10:00:00Z`). */
export interface GeoReportRequestQuery {
  serviceRequestIds?: string[];
  serviceCode?: string;
  startDate?: Date;
  endDate?: Date;
  status?: 'open' | 'closed';
}

const DAY_MS = 86_400_000;
// The spec lets servers refuse a start_date/end_date range longer than 90 days.
const MAX_RANGE_MS = 90 * DAY_MS;

/**
 * A city's Open311 GeoReport v2 endpoint as a `BackOffice`.
 *
 * Read this before changing `submit`: GeoReport v2 has no idempotency key, yet a retried job must
 * not file a second request when a timeout hid the first one's success. Every POST therefore
 * carries the key three ways (an `Idempotency-Key` header, `device_id`, and a `Ref: <reference>`
 * last line in the description), and every retry (`attempt` > 1, or unknown) first searches
 * `GET requests` for a description that quotes our reference. A failed search throws instead of
 * posting: not knowing is not the same as "not there".
 *
 * @example
 * const city = new Open311Client({ endpoint: 'https://city.example/open311/v2', apiKey, jurisdictionId: 'city.example' });
 * const submitted = await city.submit(ticket, ticket.reference, job.attemptsStarted);
 */
export class Open311Client implements BackOffice {
  readonly kind = 'open311' as const;
  private readonly http: GeoReportTransport;
  private readonly apiKey: string | undefined;
  private readonly lookupMarginMs: number;
  private readonly rejectedNotes: RegExp;

  private readonly lookups: SharedLookup;

  constructor(options: Open311ClientOptions) {
    this.apiKey = options.apiKey;
    this.lookupMarginMs = options.lookupMarginMs ?? DAY_MS;
    this.rejectedNotes = options.rejectedNotes ?? DEFAULT_REJECTED_NOTES;
    this.http = new GeoReportTransport({
      endpoint: options.endpoint,
      format: options.format ?? 'json',
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch,
      jurisdictionId: options.jurisdictionId,
      secrets: options.apiKey === undefined ? [] : [options.apiKey],
    });
    this.lookups = new SharedLookup((serviceCode, startDate, endDate) => this.requests({ serviceCode, startDate, endDate }));
  }

  /** `GET services`: every service the endpoint offers. */
  async services(): Promise<GeoReportService[]> {
    return this.read({ method: 'GET', resource: 'services' }, GeoReportSchemas.services, 'services');
  }

  /** `GET services/{code}`: the attributes a service asks for. A 404 is a TicketRejectedError. */
  async serviceDefinition(serviceCode: string): Promise<GeoReportServiceDefinition> {
    return this.read({ method: 'GET', resource: `services/${encodeURIComponent(serviceCode)}` }, GeoReportSchemas.definition, 'service definition');
  }

  /** `GET requests` with the spec's filters (servers may cap the number of results). */
  async requests(query: GeoReportRequestQuery = {}): Promise<GeoReportRequest[]> {
    const call: GeoReportCall = {
      method: 'GET',
      resource: 'requests',
      query: {
        service_request_id: query.serviceRequestIds?.join(','),
        service_code: query.serviceCode,
        start_date: query.startDate && w3c(query.startDate),
        end_date: query.endDate && w3c(query.endDate),
        status: query.status,
      },
    };
    return this.read(call, GeoReportSchemas.requests, 'requests');
  }

  /**
   * Files the ticket at most once per key.
   * @param attempt - 1 when the caller knows no earlier attempt ran (BullMQ: `job.attemptsStarted`,
   *   which also counts runs cut short by a crash). Any other value, or none, looks the ticket up first,
   *   so a call may take two round trips (each bounded by `timeoutMs`).
   * @throws ConnectorUnavailableError (retryable) or TicketRejectedError (the server's 4xx reason).
   */
  async submit(ticket: Open311Ticket, key: string, attempt?: number, lastAttemptAt?: Date): Promise<Submitted> {
    if (attempt !== 1) {
      const externalId = await this.findByReference(ticket, lastAttemptAt);
      if (externalId !== undefined) return { externalId };
    }
    const call: GeoReportCall = {
      method: 'POST',
      resource: 'requests',
      form: ticketForm(ticket, key, this.apiKey),
      headers: { 'idempotency-key': key },
    };
    const [receipt] = await this.read(call, GeoReportSchemas.receipts, 'new request');
    if (receipt?.serviceRequestId !== undefined) return { externalId: receipt.serviceRequestId };
    if (receipt?.token !== undefined) return { token: receipt.token };
    // A 2xx without id or token may still have filed the request: retryable, and the retry looks it up.
    throw this.http.unavailable(call, 'answered without service_request_id or token');
  }

  /** `GET tokens/{token}`: the request id once the server has processed it; undefined until then. */
  async resolveToken(token: string): Promise<string | undefined> {
    const call: GeoReportCall = { method: 'GET', resource: `tokens/${encodeURIComponent(token)}` };
    const answer = await this.http.send(call);
    if (answer.status === 404) return undefined;
    this.http.check(call, answer);
    const receipts = this.decode(call, answer.body, GeoReportSchemas.receipts, 'token');
    return receipts.find((r) => r.serviceRequestId !== undefined)?.serviceRequestId;
  }

  /**
   * `GET requests/{id}` mapped to our states (see `toTicketState`): note = `status_notes`,
   * agency = `agency_responsible`, updatedAt = `updated_datetime` (else `requested_datetime`).
   * @returns undefined when the server answers 404 or an empty list.
   */
  async status(externalId: string): Promise<ExternalStatus | undefined> {
    const call: GeoReportCall = { method: 'GET', resource: `requests/${encodeURIComponent(externalId)}` };
    const answer = await this.http.send(call);
    if (answer.status === 404) return undefined;
    this.http.check(call, answer);
    const found = this.decode(call, answer.body, GeoReportSchemas.requests, 'request');
    const request = found.find((r) => r.serviceRequestId === externalId) ?? found[0];
    if (!request) return undefined;
    return {
      externalId: request.serviceRequestId,
      status: toTicketState(request.status, request.statusNotes, this.rejectedNotes),
      note: request.statusNotes,
      agency: request.agencyResponsible,
      updatedAt: request.updatedDatetime ?? request.requestedDatetime,
    };
  }

  /**
   * The id of a request already filed for this ticket: one of the ticket's service whose description
   * quotes `Ref: <reference>`, requested since `createdAt` minus the lookup margin.
   * @throws ConnectorUnavailableError when the search itself fails (then nobody knows; do not post).
   */
  async findByReference(ticket: Pick<ExternalTicket, 'reference' | 'serviceCode' | 'createdAt'>, lastAttemptAt?: Date): Promise<string | undefined> {
    const now = Date.now();
    const created = Date.parse(ticket.createdAt);
    // Whole days, so that the retries of one day's tickets share one list (see SharedLookup).
    const start = Math.floor(((Number.isNaN(created) ? now - MAX_RANGE_MS : Math.min(created, now)) - this.lookupMarginMs) / DAY_MS) * DAY_MS;
    const end = Math.min(Math.ceil((now + this.lookupMarginMs) / DAY_MS) * DAY_MS, start + MAX_RANGE_MS);
    return this.lookups.find(ticket.serviceCode, new Date(start), new Date(end), ticket.reference, lastAttemptAt);
  }

  /** The codes in `codes` (our catalog's `connector.code`s) that the endpoint does not offer. */
  async validateMapping(codes: string[]): Promise<string[]> {
    const offered = new Set((await this.services()).map((s) => s.serviceCode));
    return [...new Set(codes)].filter((code) => !offered.has(code));
  }

  private async read<S extends z.ZodType>(call: GeoReportCall, schema: S, what: string): Promise<z.output<S>> {
    const answer = await this.http.send(call);
    this.http.check(call, answer);
    return this.decode(call, answer.body, schema, what);
  }

  private decode<S extends z.ZodType>(call: GeoReportCall, body: string, schema: S, what: string): z.output<S> {
    try {
      return readAs(schema, decodeBody(body, this.http.format), what);
    } catch (err) {
      // A 2xx we cannot read (a proxy's HTML page, a truncated body): retryable, like a 5xx.
      throw this.http.unavailable(call, err instanceof Error ? err.message : String(err), err);
    }
  }
}

/** W3C datetime without milliseconds: some servers refuse `.000Z`. */
function w3c(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
