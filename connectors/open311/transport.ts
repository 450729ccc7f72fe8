import { ConnectorUnavailableError, TicketRejectedError } from '../../bot/errors';
import { readErrors, type GeoReportErrorEntry, type GeoReportFormat } from './georeport-types';

/**
 * What a GeoReport server answered with an error status: the HTTP status and the spec's error
 * entries. It travels as the `cause` of the ConnectorUnavailableError or TicketRejectedError the
 * client throws, so callers keep branching on those two classes and still can read the details.
 */
export class GeoReportError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: GeoReportErrorEntry[],
  ) {
    super(message);
    this.name = 'GeoReportError';
  }
}

/** One call: a resource without extension (`services`, `requests/123`), query or form fields. */
export interface GeoReportCall {
  method: 'GET' | 'POST';
  resource: string;
  query?: Record<string, string | undefined>;
  /** Sent form-encoded; repeated names (`attribute[x][]`) as repeated pairs. */
  form?: Array<[string, string]>;
  headers?: Record<string, string>;
}

/** A finished HTTP exchange; 4xx/5xx included (the caller decides which statuses mean "unknown"). */
export interface GeoReportAnswer {
  status: number;
  body: string;
}

/** Options of `GeoReportTransport` (built by `Open311Client` from its own options). */
export interface GeoReportTransportOptions {
  endpoint: string;
  format: GeoReportFormat;
  timeoutMs: number;
  fetch: typeof fetch;
  jurisdictionId?: string;
  /** Strings that must never appear in an error message (the api_key), even if a server echoes them. */
  secrets: string[];
}

/** HTTP for one GeoReport endpoint: URLs, the timeout, and turning failures into our AppErrors. */
export class GeoReportTransport {
  private readonly base: string;
  private readonly host: string;

  constructor(private readonly opts: GeoReportTransportOptions) {
    this.base = opts.endpoint.replace(/\/+$/, '');
    // Only the host goes into messages: an endpoint URL may carry user:password.
    this.host = new URL(this.base).host;
  }

  /** The wire format every call uses. */
  get format(): GeoReportFormat {
    return this.opts.format;
  }

  /**
   * Sends one call and returns the answer whatever its status.
   * @throws ConnectorUnavailableError on network errors, timeouts and redirects of a POST.
   */
  async send(call: GeoReportCall): Promise<GeoReportAnswer> {
    const { url, init } = this.build(call);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.opts.timeoutMs);
    try {
      const res = await this.opts.fetch(url, { ...init, signal: abort.signal });
      // Reading the body is inside the timeout too: a server may send headers and then stall.
      const body = decodeAnswer(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
      if (res.status >= 300 && res.status < 400) {
        throw this.unavailable(call, `redirected (${res.status}) to ${res.headers.get('location') ?? '?'}; configure the final URL`);
      }
      return { status: res.status, body };
    } catch (err) {
      if (err instanceof ConnectorUnavailableError) throw err;
      const why = abort.signal.aborted ? `timed out after ${this.opts.timeoutMs} ms` : `network error (${describe(err)})`;
      throw this.unavailable(call, why, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Throws the AppError an error status means; returns quietly on 2xx.
   * 408, 425, 429 and 5xx are retryable (ConnectorUnavailableError); any other 4xx is a refusal
   * (TicketRejectedError). Both carry a GeoReportError with the spec's `code`/`description`.
   */
  check(call: GeoReportCall, answer: GeoReportAnswer): void {
    const { status } = answer;
    if (status >= 200 && status < 300) return;
    const errors = readErrors(answer.body, this.opts.format).map((e) => ({
      code: e.code,
      description: e.description === undefined ? undefined : this.redact(e.description),
    }));
    const said = errors.map((e) => [e.code, e.description].filter(Boolean).join(' ')).join('; ') || 'no error body';
    const detail = new GeoReportError(`HTTP ${status}: ${said}`, status, errors);
    const message = `${this.label(call)} answered ${status}: ${said}`;
    if (status >= 500 || [408, 425, 429].includes(status)) throw new ConnectorUnavailableError(message, { cause: detail });
    throw new TicketRejectedError(message, { cause: detail });
  }

  /** `Open311 (host) GET requests.json`: how every message names a call. Never includes the query. */
  label(call: GeoReportCall): string {
    return `Open311 (${this.host}) ${call.method} ${call.resource}.${this.opts.format}`;
  }

  /** A ConnectorUnavailableError for `call`, e.g. for an answer that is not the document we asked for. */
  unavailable(call: GeoReportCall, why: string, cause?: unknown): ConnectorUnavailableError {
    return new ConnectorUnavailableError(`${this.label(call)} failed: ${this.redact(why)}`, cause === undefined ? undefined : { cause });
  }

  private build(call: GeoReportCall): { url: string; init: RequestInit } {
    const url = new URL(`${this.base}/${call.resource}.${this.opts.format}`);
    const jurisdiction = this.opts.jurisdictionId;
    const headers: Record<string, string> = { accept: this.opts.format === 'json' ? 'application/json' : 'application/xml', ...call.headers };
    if (call.method === 'GET') {
      for (const [k, v] of Object.entries({ jurisdiction_id: jurisdiction, ...call.query })) if (v !== undefined) url.searchParams.set(k, v);
      return { url: url.href, init: { method: 'GET', headers } };
    }
    const form = new URLSearchParams(jurisdiction === undefined ? [] : [['jurisdiction_id', jurisdiction]]);
    for (const [k, v] of call.form ?? []) form.append(k, v);
    // Said explicitly: servers that assume ISO-8859-1 for a form would garble "Colón".
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    // A 301/302 turns a POST into a GET when followed (fetch standard): the "answer" would be a
    // list of other people's requests. Never follow; report it instead.
    return { url: url.href, init: { method: 'POST', headers, body: form.toString(), redirect: 'manual' } };
  }

  private redact(text: string): string {
    // Keys under 6 characters are test values, and redacting them would garble every message.
    return this.opts.secrets.filter((s) => s.length >= 6).reduce((t, s) => t.split(s).join('***'), text);
  }
}

/** The useful part of a fetch failure: undici hides the socket error in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  return code ?? cause?.message ?? err.message;
}

/**
 * The answer's text in the charset it declares: the Content-Type's `charset`, else the XML
 * declaration's `encoding`, else UTF-8. Older Open311 servers answer in ISO-8859-1 ("Alumbrado
 * público" would otherwise come out as "Alumbrado p\uFFFDblico"). An unknown charset is read as UTF-8.
 */
export function decodeAnswer(bytes: Uint8Array, contentType: string | null): string {
  const declared = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1]
    ?? /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(new TextDecoder('latin1').decode(bytes.subarray(0, 200)))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
