import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OpenAPIBackend } from 'openapi-backend';
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

/** The document parsed, its validity as the OpenAPI 3.1 schema sees it, and a checker of exchanges. */
export async function loadDocument(file: string) {
  const text = readFileSync(file, 'utf8');
  const document = parse(text) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
  const validator = new Validator();
  const validity = await validator.validate(text);
  // quick: the document was just validated against the 3.1 schema above; openapi-backend's own check knows only 3.0.
  const api = new OpenAPIBackend({
    definition: structuredClone(document) as never,
    quick: true,
    // The two string formats the documents use, which openapi-backend's Ajv does not know by itself.
    customizeAjv: (ajv) => ajv.addFormat('date-time', DATE_TIME).addFormat('email', EMAIL),
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
    if (!(String(x.status) in operation.responses)) return [...out, `${operation.operationId}: status ${x.status} not documented`];
    if (x.status === 204) {
      if (x.response !== undefined) out.push(`${operation.operationId}: a 204 with a body`);
      return out;
    }
    const res = api.validator.validateResponse(x.response, operation, x.status);
    if (!res.valid) out.push(`${operation.operationId} ${x.status}: response ${JSON.stringify(res.errors)} for ${JSON.stringify(x.response).slice(0, 400)}`);
    return out;
  }

  /** `METHOD /path/{param}` of every operation of the document. */
  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`));
  /** The operation an exchange matched, as `METHOD /path/{param}`. */
  const operationOf = (x: Exchange): string | undefined => {
    const op = api.router.matchOperation({ method: x.method.toLowerCase(), path: x.url.split('?')[0]!, headers: {} });
    return op ? `${op.method.toUpperCase()} ${op.path}` : undefined;
  };
  return { document, validity, problems, operations, operationOf };
}

/** Express's `:param` as OpenAPI's `{param}`. */
export const asOpenApiPath = (route: string): string => route.replace(/:(\w+)/g, '{$1}');
