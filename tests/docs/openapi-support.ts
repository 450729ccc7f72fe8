import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { parse } from 'yaml';

/** One real HTTP exchange, as the test saw it on the wire. */
export interface Exchange {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  response?: unknown;
  /** The test sent it malformed on purpose: the document must refuse the request, and still describe the answer. */
  malformed?: boolean;
}

// RFC 3339 date-time (with an offset or Z), and an e-mail as the console's zod schema takes it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The document parsed, its validity as the OpenAPI 3.1 schema sees it, and a checker of exchanges. */
export async function loadDocument(file: string) {
  const text = readFileSync(file, 'utf8');
  const document = parse(text) as Document;
  const validator = new Validator();
  const validity = await validator.validate(text);
  // quick: the document was just validated against the 3.1 schema above; openapi-backend's own check knows only 3.0.
  const api = new OpenAPIBackend({
    definition: structuredClone(document),
    quick: true,
    // The string formats the documents use, which openapi-backend's Ajv does not know by itself.
    customizeAjv: (ajv) => ajv.addFormat('date-time', DATE_TIME).addFormat('email', EMAIL).addFormat('uri', (u: string) => URL.canParse(u)),
  });
  await api.init();

  /** What is wrong with an exchange: the request as the document describes it, the status and the answer's body. */
  function problems(x: Exchange): string[] {
    const [pathname, search = ''] = x.url.split('?');
    const request = { method: x.method.toLowerCase(), path: pathname!, headers: x.headers, query: Object.fromEntries(new URLSearchParams(search)), body: x.body };
    const operation = api.router.matchOperation(request);
    if (!operation) return [`${x.method} ${pathname}: no operation in the document`];
    const out: string[] = [];
    const req = api.validator.validateRequest(request, operation);
    if (x.malformed && req.valid) out.push(`${operation.operationId}: a malformed request the document accepts`);
    if (!x.malformed && !req.valid) out.push(`${operation.operationId}: request ${JSON.stringify(req.errors)}`);
    const responses = (operation.responses ?? {}) as Record<string, { content?: unknown }>;
    const declared = responses[String(x.status)] ?? responses[`${String(x.status)[0]}XX`];
    if (!declared) return [...out, `${operation.operationId}: status ${x.status} not documented`];
    // An answer documented without content (a 204, "any body") has nothing to validate.
    if (!declared.content) {
      if (x.status === 204 && x.response !== undefined) out.push(`${operation.operationId}: a 204 with a body`);
      return out;
    }
    const res = api.validator.validateResponse(x.response, operation, x.status);
    if (!res.valid) out.push(`${operation.operationId} ${x.status}: response ${JSON.stringify(res.errors)} for ${JSON.stringify(x.response).slice(0, 400)}`);
    return out;
  }

  /** `METHOD /path/{param}` of every operation of the document. */
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) => Object.keys(item ?? {}).filter((k) => METHODS.has(k)).map((m) => `${m.toUpperCase()} ${path}`));
  /** The operation an exchange matched, as `METHOD /path/{param}`. */
  const operationOf = (x: Exchange): string | undefined => {
    const op = api.router.matchOperation({ method: x.method.toLowerCase(), path: x.url.split('?')[0]!, headers: {} });
    return op ? `${op.method.toUpperCase()} ${op.path}` : undefined;
  };
  return { document, validity, problems, operations, operationOf };
}

/** Express's `:param` as OpenAPI's `{param}`. */
export const asOpenApiPath = (route: string): string => route.replace(/:(\w+)/g, '{$1}');

/** A body as the checker reads it: JSON when it parses, else the text (an empty one is no body). */
export function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text === '' ? undefined : text;
  }
}

/**
 * A fetch for a client under test that records each exchange into `exchanges`, its path relative to the
 * document's server (`baseUrl()`, read at each call: the server starts after the fetch is made).
 */
export function recordingFetch(exchanges: Exchange[], baseUrl: () => string): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    const base = new URL(baseUrl()).pathname.replace(/\/+$/, '');
    const body = typeof init?.body === 'string' && init.body !== '' ? parsedBody(init.body) : undefined;
    exchanges.push({
      method: init?.method ?? 'GET',
      url: (url.pathname.slice(base.length) || '/') + url.search,
      headers: Object.fromEntries([...new Headers(init?.headers).entries()].map(([k, v]) => [k.toLowerCase(), v])),
      ...(body === undefined ? {} : { body }),
      status: res.status,
      response: parsedBody(await res.clone().text()),
    });
    return res;
  };
}
